#include <regex>

#include "core/commands/tests/command_test_fixture.hpp"

namespace es::core::commands {
namespace {

class TextCommandsTest : public CommandTest {};

TEST_F(TextCommandsTest, RegexMatchAndSubstitute) {
  EXPECT_EQ(run("regex", "1234|^12"), "true");
  EXPECT_EQ(run("regex", "1234|^9"), "false");
  EXPECT_EQ(run("regex", "1234|^(\\d\\d)(\\d+)$|$2-$1"), "34-12");
  EXPECT_EQ(run("regex", "1234|^(\\d\\d)(\\d+)$|%2-%1"), "34-12");
  EXPECT_EQ(run("regex", "1234|^(\\d\\d)|${1}x"), "12x");
  EXPECT_EQ(run("regex", "abc|^9|$1"), "abc");
  EXPECT_EQ(run("regex", "abc|^9|$1|n"), "");
  EXPECT_EQ(run("regex", "abc|^9|$1|b"), "false");
  EXPECT_EQ(run("regex", "abc"), "-ERR");
  EXPECT_EQ(run("regex", "m:~a|b~a\\|b"), "true");
  EXPECT_EQ(run("regex", "ABC|/abc/i"), "true");
  EXPECT_EQ(run("regex", "5551234|_NXXXXXX"), "true");
  EXPECT_EQ(run("regex", "1551234|_NXXXXXX"), "false");
  EXPECT_EQ(run("regex", "abc|(unclosed"), "false");
}

TEST_F(TextCommandsTest, RegexSubstitutionWithStaleDigitsStaysInBounds) {
  // The regex API's former copy of the substitution read before its data here (ASan sees it
  // once the substitution text is long enough to live on the heap).
  std::string out = run("regex", "aaaaaaaaaaaa|a|${123x${4x");
  EXPECT_EQ(out.size(), 31u);  // (12 + 10 + 10) * 1 match - 1: FreeSWITCH's buffer, full
  EXPECT_EQ(out.find_first_not_of("${}1234x"), std::string::npos);
  out = run("regex", "aaaaaaaaaaaa|a|${123x${4x_long_enough_for_the_heap");
  EXPECT_EQ(out.size(), 56u);  // (12 + 35 + 10) - 1
  EXPECT_EQ(out.find_first_not_of("${}1234x"), std::string::npos);
}

TEST_F(TextCommandsTest, RegexBacktrackingIsBounded) {
  std::string subject(40, 'a');
  EXPECT_EQ(run("regex", subject + "!|^(a+)+$"), "false");
  EXPECT_EQ(run("regex", subject + "|^(a+)+$"), "true");
}

TEST_F(TextCommandsTest, Cond) {
  EXPECT_EQ(run("cond", "1 == 1 ? yes : no"), "yes");
  EXPECT_EQ(run("cond", "1 == 2 ? yes : no"), "no");
  EXPECT_EQ(run("cond", "1 == 2 ? yes"), "");
  EXPECT_EQ(run("cond", "10 > 9 ? yes : no"), "yes");
  EXPECT_EQ(run("cond", "abc > ab ? longer : shorter"), "longer");  // strings compare by length
  EXPECT_EQ(run("cond", "abc == abc ? same : diff"), "same");
  EXPECT_EQ(run("cond", "'1' == '1.0' ? same : diff"), "diff");
  EXPECT_EQ(run("cond", "1 == 1.0 ? same : diff"), "same");
  EXPECT_EQ(run("cond", "2 <= 3 ? a : b"), "a");
  EXPECT_EQ(run("cond", "2 != 3 ? a : b"), "a");
  EXPECT_EQ(run("cond", "1 = 1 ? a : b"), "-ERR");
  EXPECT_EQ(run("cond", "1 == 1 yes : no"), "-ERR");
  EXPECT_EQ(run("cond", "garbage"), "-ERR");
  EXPECT_EQ(run("cond", ""), "-ERR");
}

TEST_F(TextCommandsTest, Md5) {
  EXPECT_EQ(run("md5", "abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(run("md5", ""), "!err!");
}

TEST_F(TextCommandsTest, Strftime) {
  setenv("TZ", "UTC", 1);
  tzset();
  EXPECT_EQ(run("strftime", ""), "2023-11-14 22:13:20");
  EXPECT_EQ(run("strftime", "%Y"), "2023");
  // The format starts one character after the '|' (FreeSWITCH skips one too many).
  EXPECT_EQ(run("strftime", "0|x%Y"), "1970");
  EXPECT_EQ(run("strftime", "0|"), "1970-01-01 00:00:00");
}

}  // namespace
}  // namespace es::core::commands
