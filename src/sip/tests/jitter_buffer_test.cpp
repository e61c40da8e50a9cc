#include "sip/rtp/jitter_buffer.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace es::sip::rtp {
namespace {

media::Frame tagged(std::int16_t tag) {
  media::Frame frame;
  frame.samples.fill(tag);
  return frame;
}

// Pops n turns and returns each frame's tag, 0 for a turn without a frame.
std::vector<int> play(JitterBuffer& jb, int n) {
  std::vector<int> out;
  for (int i = 0; i < n; ++i) {
    const auto frame = jb.pop();
    out.push_back(frame ? frame->samples[0] : 0);
  }
  return out;
}

TEST(JitterBuffer, WaitsForPrefillThenPlaysInSequenceOrder) {
  JitterBuffer jb(8, 3);
  jb.push(10, tagged(10));
  EXPECT_FALSE(jb.pop());
  jb.push(12, tagged(12));  // out of order
  EXPECT_FALSE(jb.pop());
  jb.push(11, tagged(11));
  EXPECT_EQ(play(jb, 3), (std::vector<int>{10, 11, 12}));
  EXPECT_EQ(jb.held(), 0U);
}

TEST(JitterBuffer, CountsLateDuplicateAndLostPackets) {
  JitterBuffer jb(8, 1);
  jb.push(100, tagged(1));
  jb.push(102, tagged(3));
  jb.push(102, tagged(3));
  EXPECT_EQ(jb.duplicates(), 1U);
  EXPECT_EQ(play(jb, 3), (std::vector<int>{1, 0, 3}));  // 101 never came
  EXPECT_EQ(jb.lost(), 1U);
  jb.push(101, tagged(2));  // after its turn
  EXPECT_EQ(jb.late(), 1U);
}

TEST(JitterBuffer, FollowsTheSequenceAcrossItsWrap) {
  JitterBuffer jb(4, 2);
  std::vector<int> got;
  std::uint16_t seq = 65533;
  for (int i = 1; i <= 8; ++i) {
    jb.push(seq++, tagged(static_cast<std::int16_t>(i)));
    if (i >= 2) got.push_back(play(jb, 1)[0]);
  }
  EXPECT_EQ(got, (std::vector<int>{1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(jb.lost(), 0U);
}

TEST(JitterBuffer, ResyncsOnAJumpAndNeverHoldsMoreThanItsCapacity) {
  JitterBuffer jb(4, 1);
  jb.push(1, tagged(1));
  jb.push(5000, tagged(2));  // far ahead: start over there
  EXPECT_EQ(jb.resyncs(), 1U);
  EXPECT_EQ(jb.held(), 1U);
  EXPECT_EQ(play(jb, 1), (std::vector<int>{2}));
  // A flood of packets cannot grow it: the window is four slots.
  for (std::uint16_t s = 5001; s < 5001 + 1000; ++s) jb.push(s, tagged(3));
  EXPECT_LE(jb.held(), 4U);
}

}  // namespace
}  // namespace es::sip::rtp
