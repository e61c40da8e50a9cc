#include "switch/session/channel_state.hpp"

#include <array>
#include <cctype>
#include <initializer_list>

#include "protocol/ascii.hpp"

namespace es::sw {
namespace {

constexpr std::array<std::string_view, 14> kStateNames{
    "CS_NEW",          "CS_INIT",          "CS_ROUTING",
    "CS_SOFT_EXECUTE", "CS_EXECUTE",       "CS_EXCHANGE_MEDIA",
    "CS_PARK",         "CS_CONSUME_MEDIA", "CS_HIBERNATE",
    "CS_RESET",        "CS_HANGUP",        "CS_REPORTING",
    "CS_DESTROY",      "CS_NONE"};

constexpr std::array<std::string_view, 9> kCallStateNames{
    "DOWN", "DIALING", "RINGING", "EARLY", "ACTIVE", "HELD", "RING_WAIT", "HANGUP", "UNHELD"};

bool in(ChannelState s, std::initializer_list<ChannelState> set) {
  for (auto x : set)
    if (x == s) return true;
  return false;
}

}  // namespace

std::string_view state_name(ChannelState state) {
  auto i = static_cast<std::size_t>(state);
  return i < kStateNames.size() ? kStateNames[i] : "CS_NONE";
}

std::string_view call_state_name(CallState state) {
  auto i = static_cast<std::size_t>(state);
  return i < kCallStateNames.size() ? kCallStateNames[i] : "DOWN";
}

std::optional<CallState> parse_call_state(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (std::isdigit(static_cast<unsigned char>(text[0]))) {
    int n = 0;
    for (char c : text) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
      n = n * 10 + (c - '0');
      if (n > 8) return std::nullopt;
    }
    return static_cast<CallState>(n);
  }
  for (std::size_t i = 0; i < kCallStateNames.size(); ++i) {
    if (protocol::iequals(text, kCallStateNames[i])) return static_cast<CallState>(i);
  }
  return std::nullopt;
}

bool state_change_allowed(ChannelState from, ChannelState to) {
  using S = ChannelState;
  switch (from) {
    case S::kNew:
    case S::kReset:
      return true;
    case S::kInit:
      return in(to, {S::kExchangeMedia, S::kSoftExecute, S::kRouting, S::kExecute, S::kPark,
                     S::kConsumeMedia, S::kHibernate, S::kReset});
    case S::kRouting:
      return in(to, {S::kExchangeMedia, S::kExecute, S::kSoftExecute, S::kPark, S::kConsumeMedia,
                     S::kHibernate, S::kReset});
    case S::kExecute:
      return in(to, {S::kExchangeMedia, S::kSoftExecute, S::kRouting, S::kPark, S::kConsumeMedia,
                     S::kHibernate, S::kReset});
    case S::kSoftExecute:
      return in(to, {S::kExchangeMedia, S::kRouting, S::kExecute, S::kPark, S::kConsumeMedia,
                     S::kHibernate, S::kReset});
    case S::kExchangeMedia:
      return in(to, {S::kSoftExecute, S::kRouting, S::kExecute, S::kPark, S::kConsumeMedia,
                     S::kHibernate, S::kReset});
    case S::kPark:
      return in(to, {S::kExchangeMedia, S::kRouting, S::kExecute, S::kSoftExecute, S::kHibernate,
                     S::kReset, S::kConsumeMedia});
    case S::kConsumeMedia:
      return in(to, {S::kExchangeMedia, S::kRouting, S::kExecute, S::kSoftExecute, S::kHibernate,
                     S::kReset, S::kPark});
    case S::kHibernate:
      return in(to, {S::kExchangeMedia, S::kInit, S::kRouting, S::kExecute, S::kSoftExecute,
                     S::kPark, S::kConsumeMedia, S::kReset});
    case S::kHangup:
      return in(to, {S::kReporting, S::kDestroy});
    case S::kReporting:
      return to == S::kDestroy;
    default:
      return false;
  }
}

}  // namespace es::sw
