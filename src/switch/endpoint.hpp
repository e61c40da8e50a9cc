// Endpoint types (null, loopback, error, sim): each makes outgoing channels for originate.
#pragma once

#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/access_policy.hpp"
#include "switch/session/caller_profile.hpp"

namespace es::sw {

class Session;
class SwitchCore;
using SessionPtr = std::shared_ptr<Session>;

struct OutgoingRequest {
  std::string data;  // dial string text after "<endpoint>/"
  // Variables of the leg ({} and [] blocks), applied by the endpoint where they matter.
  std::vector<std::pair<std::string, std::string>> vars;
  CallerProfile profile;    // prepared by originate: caller id, callee id, destination
  std::string uuid;         // origination_uuid or empty
  SessionPtr caller;        // the calling session (bridge), may be null
  core::AccessRules rules;  // of the client that asked, and of the caller (files it opens)
};

struct OutgoingResult {
  SessionPtr session;  // created, CS_INIT, not started; null on failure
  int cause = 0;       // failure cause
};

class Endpoint {
 public:
  virtual ~Endpoint() = default;
  virtual std::string_view name() const = 0;
  virtual OutgoingResult create_outgoing(SwitchCore& core, const OutgoingRequest& request) = 0;
};

class EndpointRegistry {
 public:
  void add(std::shared_ptr<Endpoint> endpoint);
  std::shared_ptr<Endpoint> find(std::string_view name) const;  // case-insensitive
  std::vector<std::string> names() const;

 private:
  mutable std::shared_mutex mutex_;
  std::map<std::string, std::shared_ptr<Endpoint>> endpoints_;
};

// Looks up an originate variable of a request (last one wins, case-insensitive).
const std::string* request_var(const OutgoingRequest& request, std::string_view name);

}  // namespace es::sw
