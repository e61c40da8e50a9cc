#include <gtest/gtest.h>

#include "switch/session/channel_state.hpp"
#include "switch/session/channel_variables.hpp"
#include "switch/session/hangup_cause.hpp"

namespace es::sw {
namespace {

TEST(HangupCause, NamesAndNumbers) {
  EXPECT_EQ(cause_name(16), "NORMAL_CLEARING");
  EXPECT_EQ(cause_name(825), "REJECT_ALL");
  EXPECT_EQ(cause_name(12345), "UNKNOWN");
  EXPECT_EQ(cause_from_string("user_busy"), 17);
  EXPECT_EQ(cause_from_string("17"), 17);
  EXPECT_EQ(cause_from_string("999"), 999);
  EXPECT_EQ(cause_from_string(""), 16);
  EXPECT_EQ(cause_from_string("no_such"), 16);
  EXPECT_EQ(cause_q850(487), 16);
  EXPECT_EQ(cause_q850(17), 17);
}

TEST(ChannelState, NamesAndTransitions) {
  EXPECT_EQ(state_name(ChannelState::kConsumeMedia), "CS_CONSUME_MEDIA");
  EXPECT_EQ(call_state_name(CallState::kRingWait), "RING_WAIT");
  EXPECT_EQ(parse_call_state("active"), CallState::kActive);
  EXPECT_EQ(parse_call_state("4"), CallState::kActive);
  EXPECT_FALSE(parse_call_state("9"));
  EXPECT_TRUE(state_change_allowed(ChannelState::kRouting, ChannelState::kExecute));
  EXPECT_FALSE(state_change_allowed(ChannelState::kRouting, ChannelState::kInit));
  EXPECT_FALSE(state_change_allowed(ChannelState::kHangup, ChannelState::kExecute));
  EXPECT_TRUE(state_change_allowed(ChannelState::kHibernate, ChannelState::kInit));
}

TEST(ChannelVariables, SetMovesToEndAndEmptyDeletes) {
  ChannelVariables v;
  v.set("a", "1");
  v.set("b", "2");
  v.set("A", "3");
  ASSERT_EQ(v.list().size(), 2u);
  EXPECT_EQ(v.list()[1].first, "A");
  v.set("b", "");
  EXPECT_EQ(v.find("b"), nullptr);
  v.push("arr", "x");
  v.push("arr", "y");
  EXPECT_EQ(*v.find("arr"), "ARRAY::x|:y");
  EXPECT_EQ(array_elements("ARRAY::x|:y").size(), 2u);
}

}  // namespace
}  // namespace es::sw
