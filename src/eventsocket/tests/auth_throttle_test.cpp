// AuthThrottle on its own: the delay grows by kStep per recent failure up to kMax, a success
// forgets the address, addresses are independent, and at most max_peers are remembered.
#include "eventsocket/auth_throttle.hpp"

#include <gtest/gtest.h>

namespace es::eventsocket {
namespace {

using std::chrono::milliseconds;

TEST(AuthThrottle, NoFailureMeansNoDelay) {
  AuthThrottle throttle;
  EXPECT_EQ(throttle.delay_for("10.0.0.1"), milliseconds{0});
  EXPECT_EQ(throttle.tracked(), 0u);
}

TEST(AuthThrottle, EachFailureAddsAStepUpToTheCap) {
  AuthThrottle throttle;
  throttle.record_failure("10.0.0.1");
  EXPECT_EQ(throttle.delay_for("10.0.0.1"), AuthThrottle::kStep);
  throttle.record_failure("10.0.0.1");
  EXPECT_EQ(throttle.delay_for("10.0.0.1"), 2 * AuthThrottle::kStep);
  for (int i = 0; i < 1000; ++i) throttle.record_failure("10.0.0.1");
  EXPECT_EQ(throttle.delay_for("10.0.0.1"), AuthThrottle::kMax);
}

TEST(AuthThrottle, ASuccessForgetsTheAddress) {
  AuthThrottle throttle;
  throttle.record_failure("10.0.0.1");
  throttle.record_failure("10.0.0.1");
  throttle.record_success("10.0.0.1");
  EXPECT_EQ(throttle.delay_for("10.0.0.1"), milliseconds{0});
  EXPECT_EQ(throttle.tracked(), 0u);
}

TEST(AuthThrottle, AddressesAreIndependent) {
  AuthThrottle throttle;
  throttle.record_failure("10.0.0.1");
  EXPECT_EQ(throttle.delay_for("10.0.0.2"), milliseconds{0});
  throttle.record_success("10.0.0.2");
  EXPECT_EQ(throttle.delay_for("10.0.0.1"), AuthThrottle::kStep);
}

TEST(AuthThrottle, AtMostMaxPeersAreRememberedTheStalestGoesFirst) {
  AuthThrottle throttle(2);
  throttle.record_failure("10.0.0.1");
  throttle.record_failure("10.0.0.2");
  throttle.record_failure("10.0.0.3");
  EXPECT_EQ(throttle.tracked(), 2u);
  EXPECT_EQ(throttle.delay_for("10.0.0.1"), milliseconds{0});
  EXPECT_EQ(throttle.delay_for("10.0.0.2"), AuthThrottle::kStep);
  EXPECT_EQ(throttle.delay_for("10.0.0.3"), AuthThrottle::kStep);
}

}  // namespace
}  // namespace es::eventsocket
