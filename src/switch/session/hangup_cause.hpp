// Hangup causes with FreeSWITCH's names and numbers (docs/call-behaviour.md §4.1).
#pragma once

#include <string_view>

namespace es::sw {

namespace cause {
inline constexpr int kNone = 0;
inline constexpr int kNoRouteDestination = 3;
inline constexpr int kNormalClearing = 16;
inline constexpr int kUserBusy = 17;
inline constexpr int kNoUserResponse = 18;
inline constexpr int kNoAnswer = 19;
inline constexpr int kSubscriberAbsent = 20;
inline constexpr int kCallRejected = 21;
inline constexpr int kExchangeRoutingError = 25;
inline constexpr int kDestinationOutOfOrder = 27;
inline constexpr int kNormalUnspecified = 31;
inline constexpr int kNormalTemporaryFailure = 41;
inline constexpr int kSwitchCongestion = 42;
inline constexpr int kChanNotImplemented = 66;
inline constexpr int kMandatoryIeMissing = 96;
inline constexpr int kInvalidIeContents = 100;
inline constexpr int kWrongCallState = 101;
inline constexpr int kOriginatorCancel = 487;
// An application or the state machine threw (the exception policy of core/spawn.hpp).
inline constexpr int kCrash = 700;
inline constexpr int kSystemShutdown = 701;
inline constexpr int kLoseRace = 702;
inline constexpr int kManagerRequest = 703;
inline constexpr int kBlindTransfer = 800;
inline constexpr int kAllottedTimeout = 802;
inline constexpr int kMediaTimeout = 804;
inline constexpr int kInvalidGateway = 808;
}  // namespace cause

// The table name, or "UNKNOWN".
std::string_view cause_name(int cause);
// Digits: the number itself; otherwise a case-insensitive name; empty or unknown names give
// NORMAL_CLEARING (switch_channel_str2cause).
int cause_from_string(std::string_view text);
// A name only (no numbers, no default): -1 when unknown.
int cause_by_name(std::string_view name);
// The Q.850 value: the cause itself up to 127, else 16.
int cause_q850(int cause);

}  // namespace es::sw
