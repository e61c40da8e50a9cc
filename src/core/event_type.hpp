// FreeSWITCH's event types, numbered as its enum (docs/event-formats.md §2), and name lookup.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace es::core {

enum class EventType : std::uint8_t {
  kCustom = 0,
  kClone,
  kChannelCreate,
  kChannelDestroy,
  kChannelState,
  kChannelCallstate,
  kChannelAnswer,
  kChannelHangup,
  kChannelHangupComplete,
  kChannelExecute,
  kChannelExecuteComplete,
  kChannelHold,
  kChannelUnhold,
  kChannelBridge,
  kChannelUnbridge,
  kChannelProgress,
  kChannelProgressMedia,
  kChannelOutgoing,
  kChannelPark,
  kChannelUnpark,
  kChannelApplication,
  kChannelOriginate,
  kChannelUuid,
  kApi,
  kLog,
  kInboundChan,
  kOutboundChan,
  kStartup,
  kShutdown,
  kPublish,
  kUnpublish,
  kTalk,
  kNotalk,
  kSessionCrash,
  kModuleLoad,
  kModuleUnload,
  kDtmf,
  kMessage,
  kPresenceIn,
  kNotifyIn,
  kPresenceOut,
  kPresenceProbe,
  kMessageWaiting,
  kMessageQuery,
  kRoster,
  kCodec,
  kBackgroundJob,
  kDetectedSpeech,
  kDetectedTone,
  kPrivateCommand,
  kHeartbeat,
  kTrap,
  kAddSchedule,
  kDelSchedule,
  kExeSchedule,
  kReSchedule,
  kReloadxml,
  kNotify,
  kPhoneFeature,
  kPhoneFeatureSubscribe,
  kSendMessage,
  kRecvMessage,
  kRequestParams,
  kChannelData,
  kGeneral,
  kCommand,
  kSessionHeartbeat,
  kClientDisconnected,
  kServerDisconnected,
  kSendInfo,
  kRecvInfo,
  kRecvRtcpMessage,
  kSendRtcpMessage,
  kCallSecure,
  kNat,
  kRecordStart,
  kRecordStop,
  kPlaybackStart,
  kPlaybackStop,
  kCallUpdate,
  kFailure,
  kSocketData,
  kMediaBugStart,
  kMediaBugStop,
  kConferenceDataQuery,
  kConferenceData,
  kCallSetupReq,
  kCallSetupResult,
  kCallDetail,
  kDeviceState,
  kText,
  kShutdownRequested,
  kCertReload,
  kAll
};

inline constexpr int kEventTypeCount = static_cast<int>(EventType::kAll) + 1;

// "CHANNEL_CREATE" etc.
std::string_view event_type_name(EventType type);

// FreeSWITCH's switch_name_event: case-insensitive, and a name longer than 13 characters
// also matches on its part after the first 13 (so "SWITCH_EVENT_HEARTBEAT" works).
std::optional<EventType> event_type_from_name(std::string_view name);

}  // namespace es::core
