#include "eventsocket/connection_limits.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace es::eventsocket {
namespace {

using Refusal = ConnectionLimits::Refusal;

TEST(ConnectionLimits, TotalCapRefusesOneMoreAndFreesOnRelease) {
  ConnectionLimits limits;
  Refusal refusal;
  std::vector<ConnectionLimits::Slot> slots;
  for (int i = 0; i < 3; ++i) {
    auto slot = limits.admit("10.0.0." + std::to_string(i), 3, 0, &refusal);
    ASSERT_TRUE(slot);
    slots.push_back(std::move(*slot));
  }
  EXPECT_FALSE(limits.admit("10.0.0.9", 3, 0, &refusal));
  EXPECT_EQ(refusal, Refusal::kTotal);
  slots[1].promote();  // authenticated connections still count towards the total
  EXPECT_FALSE(limits.admit("10.0.0.9", 3, 0, &refusal));
  slots.erase(slots.begin());
  EXPECT_TRUE(limits.admit("10.0.0.9", 3, 0, &refusal));
  EXPECT_EQ(refusal, Refusal::kNone);
}

TEST(ConnectionLimits, UnauthenticatedCapIsPerAddressAndEndsWithAuthentication) {
  ConnectionLimits limits;
  Refusal refusal;
  auto a = limits.admit("127.0.0.1", 0, 2, &refusal);
  auto b = limits.admit("127.0.0.1", 0, 2, &refusal);
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(limits.admit("127.0.0.1", 0, 2, &refusal));
  EXPECT_EQ(refusal, Refusal::kUnauthenticatedPerAddress);
  EXPECT_TRUE(limits.admit("127.0.0.2", 0, 2, &refusal));  // another address
  a->promote();
  a->promote();  // twice is once
  EXPECT_EQ(limits.unauthenticated("127.0.0.1"), 1u);
  auto c = limits.admit("127.0.0.1", 0, 2, &refusal);
  EXPECT_TRUE(c);
  EXPECT_EQ(limits.total(), 3u);
}

TEST(ConnectionLimits, NothingIsKeptOnceConnectionsAreGone) {
  ConnectionLimits limits;
  Refusal refusal;
  {
    std::vector<ConnectionLimits::Slot> slots;
    for (int i = 0; i < 100; ++i) {
      auto slot = limits.admit("10.1.0." + std::to_string(i), 0, 0, &refusal);
      ASSERT_TRUE(slot);
      if (i % 2) slot->promote();
      slots.push_back(std::move(*slot));
    }
    EXPECT_EQ(limits.tracked_addresses(), 50u);
    // Moving a slot moves its place, it does not release or double it.
    ConnectionLimits::Slot moved = std::move(slots[0]);
    EXPECT_EQ(limits.total(), 100u);
    slots[0] = std::move(moved);
    EXPECT_EQ(limits.total(), 100u);
  }
  EXPECT_EQ(limits.total(), 0u);
  EXPECT_EQ(limits.tracked_addresses(), 0u);
}

}  // namespace
}  // namespace es::eventsocket
