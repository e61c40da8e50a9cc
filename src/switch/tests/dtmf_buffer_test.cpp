#include "switch/session/dtmf_buffer.hpp"

#include <gtest/gtest.h>

namespace es::sw {
namespace {

Dtmf digit(char c) {
  Dtmf d;
  d.digit = c;
  return d;
}

TEST(DtmfBuffer, OldestFirst) {
  DtmfBuffer buffer;
  EXPECT_TRUE(buffer.empty());
  EXPECT_FALSE(buffer.pop());
  buffer.push(digit('1'));
  buffer.push(digit('2'));
  EXPECT_EQ(buffer.size(), 2u);
  EXPECT_EQ(buffer.pop()->digit, '1');
  EXPECT_EQ(buffer.pop()->digit, '2');
  EXPECT_TRUE(buffer.empty());
}

TEST(DtmfBuffer, FullDropsTheOldest) {
  DtmfBuffer buffer;
  for (std::size_t i = 0; i < kMaxQueuedDtmf; ++i) buffer.push(digit('1'));
  buffer.push(digit('#'));
  EXPECT_EQ(buffer.size(), kMaxQueuedDtmf);
  std::optional<Dtmf> last;
  while (auto d = buffer.pop()) last = d;
  ASSERT_TRUE(last);
  EXPECT_EQ(last->digit, '#');
}

TEST(DtmfBuffer, ClearEmpties) {
  DtmfBuffer buffer;
  buffer.push(digit('5'));
  buffer.clear();
  EXPECT_TRUE(buffer.empty());
  EXPECT_FALSE(buffer.pop());
}

}  // namespace
}  // namespace es::sw
