// Channel data in events: basic data, caller profile, other leg, variables
// (docs/event-formats.md §5).
#include "core/event_bus.hpp"
#include "core/switch_identity.hpp"
#include "switch/session/hangup_cause.hpp"
#include "switch/session/session.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {

using core::EventType;

core::Event Session::create_event(EventType type, std::string_view subclass) const {
  return core_.runtime().events().create(type, subclass);
}

bool Session::extended_by_default(EventType type) {
  switch (type) {
    case EventType::kChannelCreate:
    case EventType::kChannelOriginate:
    case EventType::kChannelUuid:
    case EventType::kChannelAnswer:
    case EventType::kChannelPark:
    case EventType::kChannelUnpark:
    case EventType::kChannelBridge:
    case EventType::kChannelUnbridge:
    case EventType::kChannelProgress:
    case EventType::kChannelProgressMedia:
    case EventType::kChannelHangup:
    case EventType::kChannelHangupComplete:
    case EventType::kRequestParams:
    case EventType::kChannelData:
    case EventType::kChannelExecute:
    case EventType::kChannelExecuteComplete:
    case EventType::kChannelDestroy:
    case EventType::kSessionHeartbeat:
    case EventType::kApi:
    case EventType::kRecordStart:
    case EventType::kRecordStop:
    case EventType::kPlaybackStart:
    case EventType::kPlaybackStop:
    case EventType::kCallUpdate:
    case EventType::kMediaBugStart:
    case EventType::kMediaBugStop:
    case EventType::kChannelHold:
    case EventType::kChannelUnhold:
    case EventType::kText:
    case EventType::kCustom:
      return true;
    default:
      return false;
  }
}

void Session::add_basic_data(core::Event& event, ChannelState state, int cause) const {
  // Caller holds mutex_.
  ChannelState running = running_state_.load();
  event.add_header("Channel-State", state_name(running));
  event.add_header("Channel-Call-State", call_state_name(call_state_));
  event.add_header("Channel-State-Number", std::to_string(number(state)));
  event.add_header("Channel-Name", name_.empty() ? std::string_view("N/A") : name_);
  event.add_header("Unique-ID", uuid_);
  event.add_header("Call-Direction", direction_name());
  event.add_header("Presence-Call-Direction", direction_name());
  event.add_header("Channel-HIT-Dialplan", (!outbound() || hit_dialplan.load()) ? "true" : "false");
  if (const std::string* v = variables_.find("presence_id"))
    event.add_header("Channel-Presence-ID", *v);
  if (const std::string* v = variables_.find("presence_data"))
    event.add_header("Channel-Presence-Data", *v);
  const std::string* call_uuid = variables_.find("call_uuid");
  event.add_header("Channel-Call-UUID", call_uuid ? *call_uuid : uuid_);
  const char* answer_state = state >= ChannelState::kHangup ? "hangup"
                             : answered_.load()             ? "answered"
                             : early_.load()                ? "early"
                                                            : "ringing";
  event.add_header("Answer-State", answer_state);
  if (cause) event.add_header("Hangup-Cause", cause_name(cause));
  event.add_header("Channel-Read-Codec-Name", "L16");
  event.add_header("Channel-Read-Codec-Rate", "8000");
  event.add_header("Channel-Read-Codec-Bit-Rate", "128000");
  event.add_header("Channel-Write-Codec-Name", "L16");
  event.add_header("Channel-Write-Codec-Rate", "8000");
  event.add_header("Channel-Write-Codec-Bit-Rate", "128000");
  profiles_.add_event_headers(event);
}

void Session::add_event_data(core::Event& event) const {
  add_event_data(event, extended_by_default(event.type()));
}

void Session::add_event_data(core::Event& event, bool extended) const {
  add_event_data(event, extended, state_.load(), hangup_cause_.load());
}

void Session::add_event_data(core::Event& event, bool extended, ChannelState state,
                             int cause) const {
  std::lock_guard lock(mutex_);
  add_basic_data(event, state, cause);
  if (!(extended || verbose_events.load() || core_.runtime().settings().verbose_events.load() ||
        event.header("presence-data-cols")))
    return;
  variables_.add_event_headers(event);
}

bool Session::wanted(EventType type) const {
  return core_.runtime().bus().wants(type);
}

void Session::fire(EventType type) {
  if (!wanted(type)) return;
  core::Event event = create_event(type);
  add_event_data(event);
  fire_event(std::move(event));
}

void Session::fire_event(core::Event event) {
  core_.runtime().bus().fire(std::move(event));
}

void Session::fire_state_event() {
  if (!wanted(EventType::kChannelState)) return;
  core::Event event = create_event(EventType::kChannelState);
  add_event_data(event);
  fire_event(std::move(event));
}

std::vector<Session::AppLogEntry> Session::app_log() const {
  std::lock_guard lock(mutex_);
  return app_log_;
}

std::optional<std::pair<std::string, CallerProfile>> Session::other_leg() const {
  std::lock_guard lock(mutex_);
  if (!profiles_.other()) return std::nullopt;
  return std::make_pair(profiles_.other_type(), *profiles_.other());
}

std::optional<Extension> Session::extension() const {
  std::lock_guard lock(mutex_);
  return extension_;
}

}  // namespace es::sw
