// Channel states and call states with FreeSWITCH's names and numbers
// (docs/call-behaviour.md §2, §3).
#pragma once

#include <optional>
#include <string_view>

namespace es::sw {

enum class ChannelState : int {
  kNew = 0,
  kInit = 1,
  kRouting = 2,
  kSoftExecute = 3,
  kExecute = 4,
  kExchangeMedia = 5,
  kPark = 6,
  kConsumeMedia = 7,
  kHibernate = 8,
  kReset = 9,
  kHangup = 10,
  kReporting = 11,
  kDestroy = 12,
  kNone = 13,
};

enum class CallState : int {
  kDown = 0,
  kDialing = 1,
  kRinging = 2,
  kEarly = 3,
  kActive = 4,
  kHeld = 5,
  kRingWait = 6,
  kHangup = 7,
  kUnheld = 8,
};

std::string_view state_name(ChannelState state);                   // "CS_EXECUTE"
std::string_view call_state_name(CallState state);                 // "ACTIVE"
std::optional<CallState> parse_call_state(std::string_view text);  // name (any case) or number
// Whether set_state may move a channel from `from` to `to` (docs/call-behaviour.md §2).
bool state_change_allowed(ChannelState from, ChannelState to);

inline int number(ChannelState s) {
  return static_cast<int>(s);
}
inline int number(CallState s) {
  return static_cast<int>(s);
}

}  // namespace es::sw
