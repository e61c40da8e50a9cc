// The user/<id>[@<domain>] endpoint of mod_dptools (user_outgoing_channel): the user is looked
// up in the XML directory and its dial-string param, expanded with dialed_user and
// dialed_domain, is dialled instead (docs/call-behaviour.md §7.4).
#pragma once

#include <string_view>
#include <vector>

#include "core/access_policy.hpp"
#include "switch/dialstring/dial_string.hpp"
#include "switch/session/session.hpp"

namespace es::sw {

class SwitchCore;

// A user/ leg whose dial-string names user/ legs again is resolved this many times at most;
// past that the leg fails with INVALID_IE_CONTENTS (FreeSWITCH catches only a user dialling
// itself and otherwise recurses without end).
inline constexpr int kMaxUserDialDepth = 8;

struct UserDial {
  // The legs of the dial-string, rung together in place of the user/ leg; each carries the
  // variables it is to get (the user/ leg's, the directory's dial-var-*, dialed_user,
  // dialed_domain, presence_id, then the dial-string's own blocks).
  std::vector<DialLeg> legs;
  int cause = 0;  // set when legs is empty
};

bool is_user_leg(const DialLeg& leg);

// `vars` are the variables the user/ leg would get; `caller` (may be null) is the bridging
// session, whose channel expands the dial-string as in FreeSWITCH.
UserDial resolve_user_dial(SwitchCore& core, const DialLeg& leg, const VarList& vars,
                           const SessionPtr& caller, const core::AccessRules& rules);

}  // namespace es::sw
