// mod_say_en's sequences, checked against what FreeSWITCH's module builds for the same input.
#include <gtest/gtest.h>

#include <ctime>

#include "switch/apps/say_en.hpp"

namespace es::sw::say {
namespace {

// 2024-03-05 14:07:09 UTC, a Tuesday (yday 64).
constexpr std::int64_t kNow = 1709647629;

SayClock utc_clock(std::int64_t now = kNow) {
  SayClock c;
  c.now_epoch_s = now;
  c.breakdown = [](std::int64_t t) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    return tm;
  };
  return c;
}

std::string seq(std::string_view type, std::string_view method, std::string_view text,
                std::int64_t now = kNow) {
  SayResult r = say_en(type_by_name(type), method_by_name(method), text, utc_clock(now));
  std::string out;
  for (const auto& f : r.files) out += (out.empty() ? "" : " ") + f;
  if (!r.ok) out += " ERR(" + r.error + ")";
  return out;
}

TEST(SayEn, NumbersPronounced) {
  EXPECT_EQ(seq("number", "pronounced", "1234"),
            "digits/1 digits/thousand digits/2 digits/hundred digits/30 digits/4");
  EXPECT_EQ(seq("NUMBER", "PRONOUNCED", "0"), "digits/0");
  EXPECT_EQ(seq("number", "pronounced", "15"), "digits/15");
  EXPECT_EQ(seq("number", "pronounced", "1,000,019"), "digits/1 digits/million digits/19");
  EXPECT_EQ(seq("number", "pronounced", "200"), "digits/2 digits/hundred");
  EXPECT_EQ(seq("items", "pronounced", "999999999"),
            "digits/9 digits/hundred digits/90 digits/9 digits/million digits/9 digits/hundred "
            "digits/90 digits/9 digits/thousand digits/9 digits/hundred digits/90 digits/9");
}

TEST(SayEn, NumbersCountedOnlyInTheLastGroup) {
  EXPECT_EQ(seq("number", "counted", "21"), "digits/20 digits/h-1");
  EXPECT_EQ(seq("number", "counted", "20"), "digits/h-20");
  EXPECT_EQ(seq("number", "counted", "12"), "digits/12");
  EXPECT_EQ(seq("number", "counted", "3003"), "digits/3 digits/thousand digits/h-3");
}

TEST(SayEn, NumbersIteratedAndErrors) {
  EXPECT_EQ(seq("number", "iterated", "10,24"), "digits/1 digits/0 digits/2 digits/4");
  EXPECT_EQ(seq("number", "pronounced", "1234567890"), " ERR(Parse Error!)");
  EXPECT_EQ(seq("number", "pronounced", "12a"), " ERR(Parse Error!)");
  EXPECT_EQ(seq("number", "n/a", "12"), "");
  EXPECT_EQ(seq("number", "n/a", "0"), "digits/0");
  EXPECT_EQ(seq("email_address", "pronounced", "a@b"), " ERR(Unknown Say type=[13])");
  EXPECT_EQ(seq("bogus", "pronounced", "1"), " ERR(Unknown Say type=[19])");
}

TEST(SayEn, Currency) {
  EXPECT_EQ(seq("currency", "pronounced", "12.34"),
            "digits/12 currency/dollars currency/and digits/30 digits/4 currency/cents");
  EXPECT_EQ(seq("currency", "pronounced", "$1.01"),
            "digits/1 currency/dollar currency/and digits/1 currency/cent");
  EXPECT_EQ(seq("currency", "pronounced", "-5"), "currency/negative digits/5 currency/dollars");
  EXPECT_EQ(seq("currency", "pronounced", ".567"),
            "digits/0 currency/dollars currency/and digits/50 digits/6 currency/cents");
  EXPECT_EQ(seq("currency", "pronounced", "1234567890123456"), " ERR(Parse Error!)");
}

TEST(SayEn, TimeMeasurement) {
  EXPECT_EQ(seq("time_measurement", "pronounced", "3661"),
            "digits/1 time/hour digits/1 time/minute digits/1 time/second");
  EXPECT_EQ(seq("time_measurement", "pronounced", "1:02:00"),
            "digits/1 time/hour digits/2 time/minutes digits/0 time/seconds");
  EXPECT_EQ(seq("time_measurement", "pronounced", "5:07"),
            "digits/0 time/hours digits/5 time/minutes digits/7 time/seconds");
}

TEST(SayEn, DatesAndTimes) {
  EXPECT_EQ(seq("current_date", "pronounced", "0"),
            "time/day-2 time/mon-2 digits/h-5 digits/2 digits/thousand digits/20 digits/4");
  EXPECT_EQ(seq("current_time", "pronounced", "0"), "digits/2 time/oh digits/7 time/p-m");
  EXPECT_EQ(seq("current_time", "iterated", "0"), "digits/14 digits/0 digits/7 time/hours");
  // 2000-01-01 00:00:00: year 2000 is said whole, midnight is 12 o'clock a.m.
  EXPECT_EQ(seq("current_date_time", "pronounced", "946684800"),
            "time/day-6 time/mon-0 digits/h-1 digits/2 digits/thousand time/at digits/12 "
            "time/oclock time/a-m");
  // 1999-12-31 23:45: 19 99.
  EXPECT_EQ(seq("current_date", "pronounced", "946683900"),
            "time/day-5 time/mon-11 digits/30 digits/h-1 digits/19 digits/90 digits/9");
  EXPECT_EQ(seq("current_time", "iterated", "946684800"),
            "digits/20 digits/4 digits/hundred time/hours");
}

TEST(SayEn, DateTexts) {
  EXPECT_EQ(seq("current_date_time", "pronounced", "2024-03-05 09:05:00"),
            "time/day-2 time/mon-2 digits/h-5 digits/2 digits/thousand digits/20 digits/4 "
            "time/at digits/9 time/oh digits/5 time/a-m");
  EXPECT_EQ(seq("current_date", "pronounced", "2023-12-25 0:0"),
            "time/day-1 time/mon-11 digits/20 digits/h-5 digits/2 digits/thousand digits/20 "
            "digits/3");
  // A time alone is today at that time.
  EXPECT_EQ(seq("current_date_time", "pronounced", "0:00"),
            "time/day-2 time/mon-2 digits/h-5 digits/2 digits/thousand digits/20 digits/4 "
            "time/at digits/12 time/oclock time/a-m");
  // Without ':' a date is read as epoch seconds (FreeSWITCH's quirk): 2024 s after 1970.
  EXPECT_EQ(seq("current_time", "pronounced", "2024-03-05"),
            "digits/12 digits/30 digits/3 time/a-m");
}

TEST(SayEn, ShortDateTime) {
  EXPECT_EQ(seq("short_date_time", "pronounced", std::to_string(kNow - 3600)),
            "time/today time/at digits/1 time/oh digits/7 time/p-m");
  EXPECT_EQ(seq("short_date_time", "pronounced", std::to_string(kNow - 86400)),
            "time/yesterday time/at digits/2 time/oh digits/7 time/p-m");
  EXPECT_EQ(seq("short_date_time", "pronounced", std::to_string(kNow - std::int64_t{3} * 86400)),
            "time/day-6 time/at digits/2 time/oh digits/7 time/p-m");
  EXPECT_EQ(seq("short_date_time", "pronounced", std::to_string(kNow - std::int64_t{10} * 86400)),
            "time/day-6 time/mon-1 digits/20 digits/h-4 time/at digits/2 time/oh digits/7 "
            "time/p-m");
}

TEST(SayEn, TelephoneIpAndSpelling) {
  EXPECT_EQ(seq("telephone_number", "iterated", "+1 (555) 1a"),
            "ascii/43 digits/1 silence_stream://100 digits/5 digits/5 digits/5 "
            "silence_stream://100 digits/1 ascii/97");
  EXPECT_EQ(seq("ip_address", "pronounced", "10.0.0.254"),
            "digits/10 digits/dot digits/0 digits/dot digits/0 digits/dot digits/2 "
            "digits/hundred digits/50 digits/4");
  EXPECT_EQ(seq("ip_address", "iterated", "1.2.3"), "");
  EXPECT_EQ(seq("name_spelled", "pronounced", "Ab1"), "ascii/97 ascii/98 digits/1");
  EXPECT_EQ(seq("name_phonetic", "pronounced", "z"), "phonetic-ascii/122");
}

TEST(SayEn, FileString) {
  EXPECT_EQ(file_string({}), "");
  EXPECT_EQ(file_string({"digits/1", "silence_stream://100", "digits/2"}),
            "file_string://digits/1.wav!silence_stream://100!digits/2.wav");
  EXPECT_EQ(file_string({"silence_stream://100"}), "file_string://silence_stream://100.wav");
}

}  // namespace
}  // namespace es::sw::say
