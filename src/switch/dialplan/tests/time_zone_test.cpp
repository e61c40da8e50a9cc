// Zone offsets from the system zone database and from POSIX rules, at fixed instants around
// daylight-saving changes, north and south of the equator.
#include "switch/dialplan/time_zone.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace es::sw {
namespace {

// 2024-03-10 and 2024-11-03: the United States' changes (02:00 local).
constexpr std::int64_t kBeforeSpring = 1710053999;  // 06:59:59 UTC, 01:59:59 EST
constexpr std::int64_t kAtSpring = 1710054000;      // 07:00:00 UTC, 03:00:00 EDT
constexpr std::int64_t kBeforeFall = 1730613599;    // 05:59:59 UTC, 01:59:59 EDT
constexpr std::int64_t kAtFall = 1730613600;        // 06:00:00 UTC, 01:00:00 EST
constexpr std::int64_t kJanuary = 1705336200;       // 2024-01-15 16:30 UTC
constexpr std::int64_t kJuly = 1719851400;          // 2024-07-01 16:30 UTC
constexpr std::int64_t kJuly2100 = 4118126400;      // past any file's transitions

bool have_zone(const char* name) {
  const char* dir = std::getenv("TZDIR");
  return std::filesystem::exists(std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" +
                                 name);
}

TEST(PosixRule, UnitedStatesChangesAtTwoLocal) {
  const char* rule = "EST5EDT,M3.2.0,M11.1.0";
  EXPECT_EQ(posix_rule_offset(rule, kBeforeSpring)->utc_offset_seconds, -5 * 3600);
  EXPECT_FALSE(posix_rule_offset(rule, kBeforeSpring)->dst);
  EXPECT_EQ(posix_rule_offset(rule, kAtSpring)->utc_offset_seconds, -4 * 3600);
  EXPECT_TRUE(posix_rule_offset(rule, kAtSpring)->dst);
  EXPECT_EQ(posix_rule_offset(rule, kBeforeFall)->utc_offset_seconds, -4 * 3600);
  EXPECT_EQ(posix_rule_offset(rule, kAtFall)->utc_offset_seconds, -5 * 3600);
}

TEST(PosixRule, SouthernSummerSpansTheNewYear) {
  const char* rule = "AEST-10AEDT,M10.1.0,M4.1.0/3";
  EXPECT_EQ(posix_rule_offset(rule, kJanuary)->utc_offset_seconds, 11 * 3600);
  EXPECT_EQ(posix_rule_offset(rule, kJuly)->utc_offset_seconds, 10 * 3600);
}

TEST(PosixRule, FixedAndUnreadableRules) {
  EXPECT_EQ(posix_rule_offset("IST-5:30", kJuly)->utc_offset_seconds, 5 * 3600 + 1800);
  EXPECT_EQ(posix_rule_offset("<-03>3", kJuly)->utc_offset_seconds, -3 * 3600);
  EXPECT_EQ(posix_rule_offset("", kJuly), std::nullopt);
  EXPECT_EQ(posix_rule_offset("EST5EDT,J60,J300", kJuly), std::nullopt);
}

TEST(TimeZoneFile, RejectsWhatIsNotTzif) {
  EXPECT_EQ(TimeZone::parse(""), std::nullopt);
  EXPECT_EQ(TimeZone::parse("TZif2 but far too short"), std::nullopt);
  EXPECT_EQ(zone_offset("../../etc/passwd", kJuly), std::nullopt);
  EXPECT_EQ(zone_offset("/etc/localtime", kJuly), std::nullopt);
  EXPECT_EQ(zone_offset("Nowhere/Atlantis", kJuly), std::nullopt);
}

TEST(TimeZoneFile, SystemZonesAtFixedInstants) {
  if (!have_zone("America/New_York") || !have_zone("Asia/Kolkata") ||
      !have_zone("Australia/Sydney"))
    GTEST_SKIP() << "no system zone database";
  EXPECT_EQ(zone_offset("America/New_York", kBeforeSpring)->utc_offset_seconds, -5 * 3600);
  EXPECT_EQ(zone_offset("America/New_York", kAtSpring)->utc_offset_seconds, -4 * 3600);
  EXPECT_EQ(zone_offset("America/New_York", kBeforeFall)->utc_offset_seconds, -4 * 3600);
  EXPECT_EQ(zone_offset("America/New_York", kAtFall)->utc_offset_seconds, -5 * 3600);
  EXPECT_TRUE(zone_offset("America/New_York", kJuly)->dst);
  EXPECT_EQ(zone_offset("America/New_York", kJuly2100)->utc_offset_seconds, -4 * 3600);
  EXPECT_EQ(zone_offset("Asia/Kolkata", kJuly)->utc_offset_seconds, 5 * 3600 + 1800);
  EXPECT_EQ(zone_offset("Australia/Sydney", kJanuary)->utc_offset_seconds, 11 * 3600);
  EXPECT_EQ(zone_offset("Australia/Sydney", kJuly)->utc_offset_seconds, 10 * 3600);
  auto tm = zone_time("America/New_York", kJuly);
  ASSERT_TRUE(tm);
  EXPECT_EQ(tm->tm_hour, 12);
  EXPECT_EQ(tm->tm_min, 30);
  EXPECT_EQ(tm->tm_mday, 1);
  EXPECT_EQ(tm->tm_gmtoff, -4 * 3600);
}

}  // namespace
}  // namespace es::sw
