#include "switch/session/session_queues.hpp"

#include <iterator>

namespace es::sw {

namespace {

// Both inboxes: refuse when full, hand out in arrival order.
bool push_bounded(std::deque<core::Event>& queue, core::Event item, std::size_t max) {
  if (queue.size() >= max) return false;
  queue.push_back(std::move(item));
  return true;
}

std::optional<core::Event> pop_oldest(std::deque<core::Event>& queue) {
  if (queue.empty()) return std::nullopt;
  core::Event item = std::move(queue.front());
  queue.pop_front();
  return item;
}

}  // namespace

bool SessionQueues::push_command(core::Event command) {
  return push_bounded(commands_, std::move(command), kMaxQueuedCommands);
}

std::optional<core::Event> SessionQueues::pop_command() {
  return pop_oldest(commands_);
}

bool SessionQueues::push_event(core::Event event) {
  return push_bounded(events_, std::move(event), kMaxQueuedEvents);
}

std::optional<core::Event> SessionQueues::pop_event() {
  return pop_oldest(events_);
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
