// A session's two inboxes (docs/call-behaviour.md §12, §13): private commands (sendmsg) that its
// own state machine runs, and events (sendevent) that its park loop fires, unless a controlling
// socket diverts them (divert_events) to a sink. Both are bounded and refuse when full. Not
// synchronised: the owning Session locks around it, and calls the sink outside its lock,
// which is why the sink is handed out by copy.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <optional>

#include "core/event.hpp"

namespace es::sw {

// FreeSWITCH's bounds: 256 private commands, 256 events.
inline constexpr std::size_t kMaxQueuedCommands = 256;
inline constexpr std::size_t kMaxQueuedEvents = 256;

class SessionQueues {
 public:
  // Offered each queued event; false leaves the event with the session.
  using EventSink = std::function<bool(core::Event&)>;

  // --- private commands ----------------------------------------------------------------
  bool push_command(core::Event command);  // false when full (the command is dropped)
  std::optional<core::Event> pop_command();
  std::size_t command_count() const { return commands_.size(); }
  void clear_commands() { commands_.clear(); }

  // --- events ----------------------------------------------------------------------------
  bool push_event(core::Event event);  // false when full (the event is dropped)
  std::optional<core::Event> pop_event();
  EventSink event_sink() const { return sink_; }
  // Installs `sink` (empty: none). With a sink, returns the events queued so far for the
  // caller to offer it, outside the lock, in order.
  std::deque<core::Event> set_event_sink(EventSink sink);
  // Puts back, ahead of anything queued meanwhile and in their order, events the sink refused.
  void requeue_front(std::deque<core::Event> refused);

 private:
  std::deque<core::Event> commands_;
  std::deque<core::Event> events_;
  EventSink sink_;
};

}  // namespace es::sw
