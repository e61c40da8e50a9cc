#include "switch/dialplan/time_condition.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <string>

namespace es::sw {
namespace {

// Host-local checks (date-time, no tod_tz_offset) need a known zone.
const bool kHostIsUtc = [] {
  setenv("TZ", "UTC", 1);
  tzset();
  return true;
}();

// Friday 2024-03-15 14:30:45 UTC: year day 75, week 11, week of month 3, minute of day 871.
constexpr std::int64_t kFriday = 1710513045LL * 1000000;

std::optional<bool> check(const std::string& attributes, std::int64_t now = kFriday,
                          std::optional<int> offset = std::nullopt) {
  pugi::xml_document doc;
  std::string xml = "<condition " + attributes + "/>";
  EXPECT_TRUE(doc.load_string(xml.c_str())) << xml;
  return check_time_conditions(doc.child("condition"), now, offset);
}

TEST(TimeCondition, NoTimeAttributesIsNullopt) {
  ASSERT_TRUE(kHostIsUtc);
  EXPECT_EQ(check("field=\"destination_number\" expression=\"1\""), std::nullopt);
}

struct TimeCase {
  const char* attributes;
  bool expected;
};

class TimeAttributeTest : public ::testing::TestWithParam<TimeCase> {};

TEST_P(TimeAttributeTest, MatchesFridayAfternoon) {
  const TimeCase& c = GetParam();
  EXPECT_EQ(check(c.attributes), std::optional<bool>(c.expected)) << c.attributes;
}

INSTANTIATE_TEST_SUITE_P(
    Attributes, TimeAttributeTest,
    ::testing::Values(
        TimeCase{"wday=\"6\"", true}, TimeCase{"wday=\"fri\"", true},
        TimeCase{"wday=\"FRI\"", true}, TimeCase{"wday=\"mon-fri\"", true},
        TimeCase{"wday=\"2-5\"", false}, TimeCase{"wday=\"sat-sun\"", false},
        TimeCase{"wday=\"fri-mon\"", true}, TimeCase{"wday=\"mon,wed,fri\"", true},
        TimeCase{"wday=\"mon,wed\"", false}, TimeCase{"wday=\"friday\"", true},
        TimeCase{"hour=\"14\"", true}, TimeCase{"hour=\"9-17\"", true},
        TimeCase{"hour=\"18-8\"", false}, TimeCase{"hour=\"8,9,15\"", false},
        TimeCase{"minute=\"30\"", true}, TimeCase{"minute=\"0-29\"", false},
        TimeCase{"minute-of-day=\"871\"", true}, TimeCase{"minute-of-day=\"870\"", false},
        TimeCase{"time-of-day=\"09:00-17:00\"", true},
        TimeCase{"time-of-day=\"14:30:46-15:00\"", false},
        TimeCase{"time-of-day=\"08:00-09:00,14:30:45-14:30:45\"", true},
        TimeCase{"time-of-day=\"22:00-15:00\"", true}, TimeCase{"time-of-day=\"14\"", false},
        TimeCase{"mon=\"3\"", true}, TimeCase{"mon=\"4-12\"", false}, TimeCase{"mday=\"15\"", true},
        TimeCase{"mday=\"1-14\"", false}, TimeCase{"year=\"2024\"", true},
        TimeCase{"year=\"2023\"", false}, TimeCase{"yday=\"75\"", true},
        TimeCase{"yday=\"74\"", false}, TimeCase{"week=\"11\"", true},
        TimeCase{"week=\"12\"", false}, TimeCase{"mweek=\"3\"", true},
        TimeCase{"mweek=\"2\"", false},
        TimeCase{"date-time=\"2024-03-15 14:00:00~2024-03-15 15:00:00\"", true},
        TimeCase{"date-time=\"2024-03-15 14:30:45~2024-03-15 15:00\"", true},
        TimeCase{"date-time=\"2024-03-15 14:00~2024-03-15 14:30:45\"", false},
        TimeCase{"date-time=\"2024-01-01~2024-02-01,2024-03-01~2024-04-01\"", true},
        TimeCase{"date-time=\"14:00~15:00\"", true},
        TimeCase{"date-time=\"junk~2025-01-01\"", false},
        TimeCase{"wday=\"fri\" hour=\"15\"", false}, TimeCase{"wday=\"fri\" hour=\"14\"", true},
        TimeCase{"tz-offset=\"0\"", true}, TimeCase{"tz-offset=\"2\"", false},
        TimeCase{"dst=\"true\"", false}, TimeCase{"hour=\"\"", false}));

TEST(TimeCondition, TodTzOffsetShiftsTheClock) {
  // 14:30 UTC is 16:30 at +2 and still Friday; at +10 it is 00:30 Saturday.
  EXPECT_EQ(check("hour=\"16\"", kFriday, 2), std::optional<bool>(true));
  EXPECT_EQ(check("hour=\"14\"", kFriday, 2), std::optional<bool>(false));
  EXPECT_EQ(check("wday=\"sat\" hour=\"0\"", kFriday, 10), std::optional<bool>(true));
  EXPECT_EQ(check("tz-offset=\"10\"", kFriday, 10), std::optional<bool>(true));
  EXPECT_EQ(check("tz-offset=\"-5\"", kFriday, 10), std::optional<bool>(false));
}

TEST(TimeCondition, Helpers) {
  EXPECT_TRUE(number_matches("1,5-7,20", 6));
  EXPECT_FALSE(number_matches("1,5-7,20", 8));
  EXPECT_TRUE(number_matches("", 0));  // strtol of "" is 0, as in FreeSWITCH
  EXPECT_TRUE(weekday_matches("sat-mon", 1));
  EXPECT_FALSE(weekday_matches("x,sun", 1));  // a parse error stops the scan
  EXPECT_TRUE(time_of_day_matches("8:00:30-8:00:31", 8 * 3600 + 31));
  // 1193047 hours is 4,294,969,200 s: in int arithmetic that overflowed (UBSan) and wrapped to
  // 1,904 s, which made 00:32:10 match. Found by fuzz_dialplan.
  EXPECT_FALSE(time_of_day_matches("1193047:00-1193047:01", 1930));
  EXPECT_FALSE(time_of_day_matches("2147483647:00-0:00", 1930));
  EXPECT_EQ(parse_local_time("2024-03-15 14:30:45", 0), kFriday);
  EXPECT_EQ(parse_local_time("1969-12-31", 0), 0);
  EXPECT_EQ(parse_local_time("2024-13-01", 0), 0);
  // Year 2147483647: its microseconds overflowed int64 (UBSan); found by fuzz_dialplan.
  EXPECT_EQ(parse_local_time("2147483647-01-01", 0), 0);
}

}  // namespace
}  // namespace es::sw
