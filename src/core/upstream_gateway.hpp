// Gateway mode's upward interface: the event socket's listeners hand api, bgapi, sendmsg and the
// replay extension to the servers behind eventswitch through it (implemented by
// gateway::Gateway, docs/gateway.md). Null in local mode, where the switch core serves them.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/fired_event.hpp"

namespace es::core {

// What the replay extension found in the gateway's ring for one Core-UUID.
struct ReplayOutcome {
  std::uint64_t replayed = 0;  // events handed to the sink
  std::uint64_t lost = 0;      // events after the given sequence the ring no longer holds
  bool known = false;          // the ring holds (or held) events of that Core-UUID
};

class UpstreamGateway {
 public:
  virtual ~UpstreamGateway() = default;

  // "api <command>" on the upstream `target` names (empty: the owner of a channel uuid the
  // command names, else the default upstream). `done` gets the api/response body, or
  // "-ERR upstream <name> unavailable\n"; it runs once, on any thread, never inline.
  virtual void api(std::string target, std::string command,
                   std::function<void(std::string body)> done) = 0;
  // "bgapi <command>" with `job_uuid`. `done` gets the job's BACKGROUND_JOB (only the asking
  // client receives it) or a local one whose body says why the job was lost.
  virtual void bgapi(std::string target, std::string command, std::string job_uuid,
                     std::function<void(FiredEventPtr job)> done) = 0;
  // "sendmsg <uuid>" with the packet's headers and body, to the uuid's owner. `done` gets the
  // reply text ("+OK", "-ERR ...").
  virtual void sendmsg(std::string uuid, std::vector<std::pair<std::string, std::string>> headers,
                       std::string body, std::function<void(std::string reply_text)> done) = 0;
  // "sendevent <name>" to the owner of its Unique-ID header, else the default upstream.
  virtual void sendevent(std::string name, std::vector<std::pair<std::string, std::string>> headers,
                         std::string body, std::function<void(std::string reply_text)> done) = 0;
  // After a client's subscription grew (the bus already knows it): asks the upstreams for what
  // they are not yet sending. `done` runs once each connected upstream answered (at most its
  // command timeout), on any thread, never inline; so the client's +OK means the events flow.
  virtual void sync_subscription(std::function<void()> done) = 0;
  // Whether an upstream owns the channel `uuid` (myevents <uuid> scopes to it).
  virtual bool owns_channel(const std::string& uuid) const = 0;
  // Hands `sink` the ring's events of `core_uuid` whose Event-Sequence is above `after`, in
  // their order, on the caller's thread.
  virtual ReplayOutcome replay(const std::string& core_uuid, std::uint64_t after,
                               const std::function<void(const FiredEventPtr&)>& sink) = 0;
};

}  // namespace es::core
