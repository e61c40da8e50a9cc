#include "switch/session/session_queues.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace es::sw {
namespace {

core::Event numbered(int n) {
  core::Event event(core::EventType::kCommand);
  event.add_header("N", std::to_string(n));
  return event;
}

std::string number_of(const core::Event& event) {
  const std::string* n = event.header("N");
  return n ? *n : std::string();
}

TEST(SessionQueues, CommandsInOrderAndBounded) {
  SessionQueues queues;
  for (int i = 0; i < static_cast<int>(kMaxQueuedCommands); ++i)
    EXPECT_TRUE(queues.push_command(numbered(i)));
  EXPECT_FALSE(queues.push_command(numbered(-1)));
  EXPECT_EQ(queues.command_count(), kMaxQueuedCommands);
  EXPECT_EQ(number_of(*queues.pop_command()), "0");
  EXPECT_EQ(number_of(*queues.pop_command()), "1");
  queues.clear_commands();
  EXPECT_EQ(queues.command_count(), 0u);
  EXPECT_FALSE(queues.pop_command());
}

TEST(SessionQueues, EventsInOrderAndBounded) {
  SessionQueues queues;
  for (int i = 0; i < static_cast<int>(kMaxQueuedEvents); ++i)
    EXPECT_TRUE(queues.push_event(numbered(i)));
  EXPECT_FALSE(queues.push_event(numbered(-1)));
  EXPECT_EQ(number_of(*queues.pop_event()), "0");
  // Commands and events are separate queues.
  EXPECT_FALSE(queues.pop_command());
}

TEST(SessionQueues, SinkTakesTheQueuedEvents) {
  SessionQueues queues;
  queues.push_event(numbered(1));
  queues.push_event(numbered(2));
  EXPECT_FALSE(queues.event_sink());
  std::deque<core::Event> waiting = queues.set_event_sink([](core::Event&) { return true; });
  ASSERT_EQ(waiting.size(), 2u);
  EXPECT_EQ(number_of(waiting[0]), "1");
  EXPECT_TRUE(queues.event_sink());
  EXPECT_FALSE(queues.pop_event());
}

TEST(SessionQueues, NoSinkLeavesTheQueue) {
  SessionQueues queues;
  queues.push_event(numbered(1));
  EXPECT_TRUE(queues.set_event_sink(nullptr).empty());
  EXPECT_EQ(number_of(*queues.pop_event()), "1");
}

TEST(SessionQueues, RefusedEventsGoBackInFront) {
  SessionQueues queues;
  queues.push_event(numbered(3));  // queued while the sink was being offered the others
  std::deque<core::Event> refused;
  refused.push_back(numbered(1));
  refused.push_back(numbered(2));
  queues.requeue_front(std::move(refused));
  std::vector<std::string> order;
  while (auto event = queues.pop_event()) order.push_back(number_of(*event));
  EXPECT_EQ(order, (std::vector<std::string>{"1", "2", "3"}));
}

}  // namespace
}  // namespace es::sw
