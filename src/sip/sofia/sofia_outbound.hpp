#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "switch/endpoint.hpp"

namespace es::sip::sofia {

class SofiaProfile;

// The `sofia` endpoint of originate and bridge: sofia/<profile>/<user>@<host[:port]> becomes an
// outbound leg of that profile (SofiaProfile::create_outbound). Refusals carry FreeSWITCH's
// causes: no '/' INVALID_URL, an unknown profile INVALID_PROFILE, sofia/gateway/... (no
// gateways yet) INVALID_GATEWAY, a destination without '@' (registered users: none yet)
// USER_NOT_REGISTERED.
class SofiaEndpoint final : public sw::Endpoint {
 public:
  std::string_view name() const override { return "sofia"; }
  sw::OutgoingResult create_outgoing(sw::SwitchCore& core,
                                     const sw::OutgoingRequest& request) override;

  // Profiles by name (case-sensitive, as FreeSWITCH's profile hash); a stopped profile's weak
  // pointer simply no longer resolves.
  void add_profile(const std::shared_ptr<SofiaProfile>& profile);

 private:
  std::mutex mutex_;
  std::map<std::string, std::weak_ptr<SofiaProfile>, std::less<>> profiles_;
};

}  // namespace es::sip::sofia
