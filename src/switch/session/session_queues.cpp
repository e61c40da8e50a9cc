#include "switch/session/session_queues.hpp"

#include <iterator>

namespace es::sw {

bool SessionQueues::push_command(core::Event command) {
  if (commands_.size() >= kMaxQueuedCommands) return false;
  commands_.push_back(std::move(command));
  return true;
}

std::optional<core::Event> SessionQueues::pop_command() {
  if (commands_.empty()) return std::nullopt;
  core::Event command = std::move(commands_.front());
  commands_.pop_front();
  return command;
}

bool SessionQueues::push_event(core::Event event) {
  if (events_.size() >= kMaxQueuedEvents) return false;
  events_.push_back(std::move(event));
  return true;
}

std::optional<core::Event> SessionQueues::pop_event() {
  if (events_.empty()) return std::nullopt;
  core::Event event = std::move(events_.front());
  events_.pop_front();
  return event;
}

std::deque<core::Event> SessionQueues::set_event_sink(EventSink sink) {
  std::deque<core::Event> waiting;
  if (sink) waiting.swap(events_);
  sink_ = std::move(sink);
  return waiting;
}

void SessionQueues::requeue_front(std::deque<core::Event> refused) {
  events_.insert(events_.begin(), std::make_move_iterator(refused.begin()),
                 std::make_move_iterator(refused.end()));
}

}  // namespace es::sw
