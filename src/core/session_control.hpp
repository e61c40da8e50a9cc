// What the event socket needs from the switch's sessions, declared here so the server can be
// built, tested and benchmarked without the switch (which implements it).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/access_policy.hpp"
#include "core/event.hpp"

namespace es::core {

enum class QueueResult { kQueued, kNoSession, kQueueFull };

class SessionControl {
 public:
  virtual ~SessionControl() = default;

  // A session with that uuid exists and is not hung up.
  virtual bool is_live(std::string_view uuid) const = 0;
  // The channel name of a live session (Channel-Name), without building its channel data;
  // nullopt when no live session has that uuid.
  virtual std::optional<std::string> channel_name(std::string_view uuid) const = 0;
  // A confined client (sendmsg, sendevent) is about to act on the call: the call obeys its
  // rules from now on (docs/security-rights.md). False when no live session has that uuid.
  virtual bool confine(std::string_view uuid, const AccessRules& rules) = 0;
  // sendmsg: hands a command packet (as an event) to the session's private command queue.
  virtual QueueResult queue_message(std::string_view uuid, Event message) = 0;
  // sendevent with a Unique-ID: hands the event to that session's event queue.
  virtual QueueResult queue_event(std::string_view uuid, Event event) = 0;
  // A listener that controls a session (inbound `myevents <uuid>`, the outbound socket): while
  // the returned handle lives the session is not destroyed (no CHANNEL_DESTROY), and
  // `on_hangup` is called once, from any thread, right after the session's CHANNEL_HANGUP
  // was fired, and `on_reported` once, right after its CHANNEL_HANGUP_COMPLETE (when only the
  // holders keep it). Null when no live session has that uuid. Dropping the handle releases it.
  virtual std::shared_ptr<void> attach(std::string_view uuid, std::function<void()> on_hangup,
                                       std::function<void()> on_reported) = 0;
  // divert_events: the session's queued events (sendevent with its Unique-ID) go to `sink`
  // instead of the session, while it is not hung up; a sink returning false leaves the event
  // with the session. Events already queued are offered at once. A null sink ends diversion.
  // False when no live session has that uuid.
  virtual bool set_event_divert(std::string_view /*uuid*/, std::function<bool(Event&)> /*sink*/) {
    return false;
  }
};

}  // namespace es::core
