#include "gateway/replay_ring.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace es::gateway {
namespace {

core::FiredEventPtr make(const std::string& core_uuid, std::uint64_t sequence) {
  core::Event event(core::EventType::kHeartbeat);
  event.add_header("Event-Name", "HEARTBEAT");
  event.add_header("Core-UUID", core_uuid);
  event.add_header("Event-Sequence", std::to_string(sequence));
  return std::make_shared<const core::FiredEvent>(std::move(event));
}

std::vector<std::string> sequences(const ReplayRing& ring, const std::string& core_uuid,
                                   std::uint64_t after, core::ReplayOutcome* outcome) {
  std::vector<std::string> seen;
  *outcome = ring.replay(core_uuid, after, [&](const core::FiredEventPtr& event) {
    seen.push_back(*event->event().header("Event-Sequence"));
  });
  return seen;
}

TEST(ReplayRing, ReplaysOnlyLaterEventsOfThatCore) {
  ReplayRing ring(100, 1u << 20);
  for (std::uint64_t s = 1; s <= 5; ++s) {
    ring.add(make("A", s));
    ring.add(make("B", s * 10));
  }
  core::ReplayOutcome outcome;
  EXPECT_EQ(sequences(ring, "A", 3, &outcome), (std::vector<std::string>{"4", "5"}));
  EXPECT_TRUE(outcome.known);
  EXPECT_EQ(outcome.replayed, 2u);
  EXPECT_EQ(outcome.lost, 0u);
  EXPECT_TRUE(sequences(ring, "C", 0, &outcome).empty());
  EXPECT_FALSE(outcome.known);
}

TEST(ReplayRing, CountBoundEvictsOldestAndReportsTheLoss) {
  ReplayRing ring(3, 1u << 20);
  for (std::uint64_t s = 1; s <= 10; ++s) ring.add(make("A", s));
  EXPECT_EQ(ring.size(), 3u);
  core::ReplayOutcome outcome;
  EXPECT_EQ(sequences(ring, "A", 2, &outcome), (std::vector<std::string>{"8", "9", "10"}));
  EXPECT_EQ(outcome.lost, 5u);  // 3..7 were evicted
  EXPECT_TRUE(sequences(ring, "A", 10, &outcome).empty());
  EXPECT_EQ(outcome.lost, 0u);
}

TEST(ReplayRing, ByteBoundHoldsWhatFits) {
  const std::size_t one = make("A", 1)->footprint();
  ReplayRing ring(1000, one * 4 + one / 2);
  for (std::uint64_t s = 1; s <= 20; ++s) ring.add(make("A", s));
  EXPECT_LE(ring.bytes(), one * 4 + one / 2);
  EXPECT_GE(ring.size(), 3u);
  EXPECT_LE(ring.size(), 5u);
}

TEST(ReplayRing, IgnoresEventsWithoutOrigin) {
  ReplayRing ring(10, 1u << 20);
  core::Event event(core::EventType::kHeartbeat);
  event.add_header("Event-Sequence", "1");
  ring.add(std::make_shared<const core::FiredEvent>(std::move(event)));
  core::Event bad(core::EventType::kHeartbeat);
  bad.add_header("Core-UUID", "A");
  bad.add_header("Event-Sequence", "12x");
  ring.add(std::make_shared<const core::FiredEvent>(std::move(bad)));
  EXPECT_EQ(ring.size(), 0u);
  ReplayRing off(0, 1u << 20);
  off.add(make("A", 1));
  EXPECT_EQ(off.size(), 0u);
}

}  // namespace
}  // namespace es::gateway
