#include "amqp/confirm_window.hpp"

#include <gtest/gtest.h>

#include <memory>

namespace es::amqp {
namespace {

core::FiredEventPtr numbered(int n) {
  core::Event event(core::EventType::kCustom, "t::t");
  event.add_header("N", std::to_string(n));
  return std::make_shared<const core::FiredEvent>(std::move(event));
}

std::vector<std::string> numbers(const std::vector<core::FiredEventPtr>& events) {
  std::vector<std::string> out;
  out.reserve(events.size());
  for (const auto& e : events) out.push_back(*e->event().header("N"));
  return out;
}

TEST(AmqpConfirmWindow, MultipleAckReleasesInOrder) {
  ConfirmWindow window(8);
  for (int i = 1; i <= 5; ++i) window.sent(numbered(i));
  auto settled = window.ack(3, true);
  EXPECT_EQ(settled.confirmed, 3u);
  EXPECT_EQ(window.size(), 2u);
  EXPECT_EQ(numbers(window.take_all()), (std::vector<std::string>{"4", "5"}));
  EXPECT_TRUE(window.empty());
}

TEST(AmqpConfirmWindow, SingleAcksOutOfOrderWaitForTheFront) {
  ConfirmWindow window(8);
  for (int i = 1; i <= 3; ++i) window.sent(numbered(i));
  EXPECT_EQ(window.ack(2, false).confirmed, 0u);  // 1 still waits
  EXPECT_EQ(window.nack(3, false).refused, 0u);
  auto settled = window.ack(1, false);
  EXPECT_EQ(settled.confirmed, 2u);
  EXPECT_EQ(settled.refused, 1u);
  EXPECT_TRUE(window.empty());
}

TEST(AmqpConfirmWindow, UnknownTagsChangeNothingAndTagsRestart) {
  ConfirmWindow window(2);
  window.sent(numbered(1));
  window.sent(numbered(2));
  EXPECT_TRUE(window.full());
  EXPECT_EQ(window.ack(0, true).confirmed, 0u);
  EXPECT_EQ(window.ack(99, true).confirmed, 0u);
  EXPECT_EQ(window.size(), 2u);
  EXPECT_EQ(window.ack(1, false).confirmed, 1u);
  EXPECT_EQ(window.ack(1, false).confirmed, 0u);  // already settled
  EXPECT_EQ(numbers(window.take_all()), (std::vector<std::string>{"2"}));
  // A new channel: tags count from 1 again.
  window.sent(numbered(7));
  EXPECT_EQ(window.ack(1, false).confirmed, 1u);
}

}  // namespace
}  // namespace es::amqp
