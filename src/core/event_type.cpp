#include "core/event_type.hpp"

#include <array>

namespace es::core {
namespace {

// In enum order; the index is the event type number.
constexpr std::array<std::string_view, kEventTypeCount> kEventTypeNames = {
    "CUSTOM",
    "CLONE",
    "CHANNEL_CREATE",
    "CHANNEL_DESTROY",
    "CHANNEL_STATE",
    "CHANNEL_CALLSTATE",
    "CHANNEL_ANSWER",
    "CHANNEL_HANGUP",
    "CHANNEL_HANGUP_COMPLETE",
    "CHANNEL_EXECUTE",
    "CHANNEL_EXECUTE_COMPLETE",
    "CHANNEL_HOLD",
    "CHANNEL_UNHOLD",
    "CHANNEL_BRIDGE",
    "CHANNEL_UNBRIDGE",
    "CHANNEL_PROGRESS",
    "CHANNEL_PROGRESS_MEDIA",
    "CHANNEL_OUTGOING",
    "CHANNEL_PARK",
    "CHANNEL_UNPARK",
    "CHANNEL_APPLICATION",
    "CHANNEL_ORIGINATE",
    "CHANNEL_UUID",
    "API",
    "LOG",
    "INBOUND_CHAN",
    "OUTBOUND_CHAN",
    "STARTUP",
    "SHUTDOWN",
    "PUBLISH",
    "UNPUBLISH",
    "TALK",
    "NOTALK",
    "SESSION_CRASH",
    "MODULE_LOAD",
    "MODULE_UNLOAD",
    "DTMF",
    "MESSAGE",
    "PRESENCE_IN",
    "NOTIFY_IN",
    "PRESENCE_OUT",
    "PRESENCE_PROBE",
    "MESSAGE_WAITING",
    "MESSAGE_QUERY",
    "ROSTER",
    "CODEC",
    "BACKGROUND_JOB",
    "DETECTED_SPEECH",
    "DETECTED_TONE",
    "PRIVATE_COMMAND",
    "HEARTBEAT",
    "TRAP",
    "ADD_SCHEDULE",
    "DEL_SCHEDULE",
    "EXE_SCHEDULE",
    "RE_SCHEDULE",
    "RELOADXML",
    "NOTIFY",
    "PHONE_FEATURE",
    "PHONE_FEATURE_SUBSCRIBE",
    "SEND_MESSAGE",
    "RECV_MESSAGE",
    "REQUEST_PARAMS",
    "CHANNEL_DATA",
    "GENERAL",
    "COMMAND",
    "SESSION_HEARTBEAT",
    "CLIENT_DISCONNECTED",
    "SERVER_DISCONNECTED",
    "SEND_INFO",
    "RECV_INFO",
    "RECV_RTCP_MESSAGE",
    "SEND_RTCP_MESSAGE",
    "CALL_SECURE",
    "NAT",
    "RECORD_START",
    "RECORD_STOP",
    "PLAYBACK_START",
    "PLAYBACK_STOP",
    "CALL_UPDATE",
    "FAILURE",
    "SOCKET_DATA",
    "MEDIA_BUG_START",
    "MEDIA_BUG_STOP",
    "CONFERENCE_DATA_QUERY",
    "CONFERENCE_DATA",
    "CALL_SETUP_REQ",
    "CALL_SETUP_RESULT",
    "CALL_DETAIL",
    "DEVICE_STATE",
    "TEXT",
    "SHUTDOWN_REQUESTED",
    "CERT_RELOAD",
    "ALL",
};

constexpr char ascii_upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
}

// Table names are upper case already.
bool equals_upper_name(std::string_view given, std::string_view upper_name) {
  if (given.size() != upper_name.size()) return false;
  for (std::size_t i = 0; i < given.size(); ++i) {
    if (ascii_upper(given[i]) != upper_name[i]) return false;
  }
  return true;
}

// The length of "SWITCH_EVENT_", the prefix FreeSWITCH's lookup skips blindly.
constexpr std::size_t kSkippedPrefixLength = 13;

}  // namespace

std::string_view event_type_name(EventType type) {
  const auto index = static_cast<std::size_t>(type);
  return index < kEventTypeNames.size() ? kEventTypeNames[index] : std::string_view{};
}

std::optional<EventType> event_type_from_name(std::string_view name) {
  const bool has_tail = name.size() > kSkippedPrefixLength;
  const std::string_view tail = has_tail ? name.substr(kSkippedPrefixLength) : std::string_view{};
  for (std::size_t i = 0; i < kEventTypeNames.size(); ++i) {
    if ((has_tail && equals_upper_name(tail, kEventTypeNames[i])) ||
        equals_upper_name(name, kEventTypeNames[i])) {
      return static_cast<EventType>(i);
    }
  }
  return std::nullopt;
}

}  // namespace es::core
