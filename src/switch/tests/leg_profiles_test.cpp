#include "switch/session/leg_profiles.hpp"

#include <gtest/gtest.h>

namespace es::sw {
namespace {

CallerProfile named(std::string number) {
  CallerProfile p;
  p.caller_id_number = std::move(number);
  return p;
}

TEST(LegProfiles, PlainFieldsAreThisLegsUnlessEmpty) {
  LegProfiles profiles(named("100"));
  EXPECT_EQ(profiles.field("caller_id_number", false), "100");
  EXPECT_EQ(profiles.field("Caller_ID_Number", true), "100");
  EXPECT_FALSE(profiles.field("caller_id_name", false));  // empty by default
  EXPECT_FALSE(profiles.field("no_such_field", false));
}

TEST(LegProfiles, AlegAndBlegWithoutOtherLeg) {
  LegProfiles profiles(named("100"));
  // An inbound leg is the originator (aleg), an outbound one the originatee (bleg).
  EXPECT_EQ(profiles.field("aleg_caller_id_number", false), "100");
  EXPECT_FALSE(profiles.field("bleg_caller_id_number", false));
  EXPECT_EQ(profiles.field("bleg_caller_id_number", true), "100");
  EXPECT_FALSE(profiles.field("aleg_caller_id_number", true));
  // Empty fields count under a prefix.
  EXPECT_EQ(profiles.field("aleg_caller_id_name", false), "");
  EXPECT_FALSE(profiles.field("aleg_", false));
}

TEST(LegProfiles, OtherLegAnswersForItsRole) {
  LegProfiles profiles(named("200"));
  profiles.set_other("originator", named("100"));
  EXPECT_EQ(profiles.field("aleg_caller_id_number", true), "100");
  EXPECT_EQ(profiles.field("bleg_caller_id_number", true), "200");
  EXPECT_EQ(profiles.field("caller_id_number", true), "200");
}

TEST(LegProfiles, EventHeaders) {
  LegProfiles profiles(named("200"));
  core::Event alone(core::EventType::kCustom);
  profiles.add_event_headers(alone);
  EXPECT_EQ(*alone.header("Caller-Caller-ID-Number"), "200");
  EXPECT_EQ(alone.header("Other-Type"), nullptr);

  profiles.set_other("originatee", named("300"));
  profiles.own().caller_id_number = "201";
  core::Event both(core::EventType::kCustom);
  profiles.add_event_headers(both);
  EXPECT_EQ(*both.header("Caller-Caller-ID-Number"), "201");
  EXPECT_EQ(*both.header("Other-Type"), "originatee");
  EXPECT_EQ(*both.header("Other-Leg-Caller-ID-Number"), "300");
}

}  // namespace
}  // namespace es::sw
