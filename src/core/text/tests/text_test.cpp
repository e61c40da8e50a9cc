#include "core/text/text.hpp"

#include <gtest/gtest.h>

#include <climits>
#include <string>

#include "core/text/separate_string.hpp"

namespace es::text {
namespace {

// FreeSWITCH's switch_true (switch_utils.h): seven words in any case, or a switch_is_number text
// whose (glibc) atoi is not 0. Nothing else, and no trimming.
TEST(SwitchTrueTest, WordsInAnyCase) {
  for (const char* word : {"yes", "on", "true", "t", "enabled", "active", "allow", "YES", "On",
                           "TRUE", "T", "Enabled", "aCtIvE", "ALLOW"}) {
    EXPECT_TRUE(switch_true(word)) << word;
  }
}

TEST(SwitchTrueTest, NumbersThatAtoiReadsAsNonZero) {
  for (const char* number : {"1", "-1", "2", "+1", "007", "1.5", "1.2.3", "2147483647",
                             // atoi keeps strtol's low 32 bits: 0x80000000 and -1 are not 0.
                             "2147483648", "99999999999999999999"}) {
    EXPECT_TRUE(switch_true(number)) << number;
  }
}

TEST(SwitchTrueTest, EverythingElseIsFalse) {
  for (const char* text :
       {"", "0", "-0", "+0", "0.9", ".", "-", "+", "no", "off", "false", "f", "n", "y", "ye",
        "yess", "tru", "enable",  // "enable" is not one of switch_true's words
        "disabled", "maybe", " yes", "yes ", " 1", "1 ", "1abc", "0x1", "1e3",
        // atoi's low 32 bits of 2^32 are 0.
        "4294967296"}) {
    EXPECT_FALSE(switch_true(text)) << '"' << text << '"';
  }
}

TEST(SwitchTrueTest, AMissingValueIsFalse) {
  const std::string* missing = nullptr;
  EXPECT_FALSE(switch_true(missing));
  std::string yes = "yes";
  EXPECT_TRUE(switch_true(&yes));
}

TEST(SwitchFalseTest, WordsInAnyCaseAndNumbersThatAtoiReadsAsZero) {
  for (const char* text :
       {"no",  "off",   "false", "f",        "disabled", "inactive", "disallow",  "NO",
        "Off", "FALSE", "F",     "Disabled", "INACTIVE", "DisAllow", "0",         "-0",
        "+0",  "00",    "0.9",   ".",        "-",        "",         "4294967296"}) {
    EXPECT_TRUE(switch_false(text)) << '"' << text << '"';
  }
}

TEST(SwitchFalseTest, EverythingElseIsNotFalse) {
  for (const char* text :
       {"1", "-1", "yes", "t", "true", "maybe", "disable", " no", "no ", "0abc", " 0", "n"}) {
    EXPECT_FALSE(switch_false(text)) << '"' << text << '"';
  }
  const std::string* missing = nullptr;
  EXPECT_FALSE(switch_false(missing));
}

TEST(SwitchTrueTest, TrueAndFalseAreNotOpposites) {
  EXPECT_FALSE(switch_true("maybe"));
  EXPECT_FALSE(switch_false("maybe"));
  EXPECT_FALSE(switch_true(""));
  EXPECT_TRUE(switch_false(""));
}

TEST(IsNumberTest, SignThenDigitsAndDots) {
  for (const char* text : {"", "-", "+", "0", "123", "-1", "+1", "1.5", "1.2.3", ".", "1."}) {
    EXPECT_TRUE(is_number(text)) << '"' << text << '"';
  }
  for (const char* text : {" 1", "1 ", "1a", "--1", "+-1", "0x1", "1e3", "1,5", "a"}) {
    EXPECT_FALSE(is_number(text)) << '"' << text << '"';
  }
}

TEST(CAtolTest, LeadingWhiteSpaceSignDigits) {
  EXPECT_EQ(c_atol("42"), 42);
  EXPECT_EQ(c_atol("  -42xyz"), -42);
  EXPECT_EQ(c_atol("\t\n\v\f\r 7"), 7);
  EXPECT_EQ(c_atol("+5"), 5);
  EXPECT_EQ(c_atol("12.9"), 12);
  EXPECT_EQ(c_atol(std::string(100, ' ') + "5"), 5);
  EXPECT_EQ(c_atol(std::string("1\0"
                               "2",
                               3)),
            1);
}

TEST(CAtolTest, NoDigitsIsZero) {
  for (const char* text : {"", " ", "-", "+", "- 5", "x1", "--1", ".5"}) {
    EXPECT_EQ(c_atol(text), 0) << '"' << text << '"';
  }
}

TEST(CAtolTest, SaturatesAtTheLongLongLimits) {
  EXPECT_EQ(c_atol("9223372036854775807"), LLONG_MAX);
  EXPECT_EQ(c_atol("9223372036854775808"), LLONG_MAX);
  EXPECT_EQ(c_atol("99999999999999999999999999"), LLONG_MAX);
  EXPECT_EQ(c_atol("-9223372036854775808"), LLONG_MIN);
  EXPECT_EQ(c_atol("-9223372036854775809"), LLONG_MIN);
  EXPECT_EQ(c_atol("-99999999999999999999999999x"), LLONG_MIN);
}

TEST(CAtoiTest, SaturatesAtTheIntLimits) {
  EXPECT_EQ(c_atoi(" 42abc"), 42);
  EXPECT_EQ(c_atoi("-17"), -17);
  EXPECT_EQ(c_atoi("2147483647"), INT_MAX);
  EXPECT_EQ(c_atoi("2147483648"), INT_MAX);
  EXPECT_EQ(c_atoi("4294967297"), INT_MAX);  // glibc's atoi would give 1
  EXPECT_EQ(c_atoi("-2147483648"), INT_MIN);
  EXPECT_EQ(c_atoi("-2147483649"), INT_MIN);
  EXPECT_EQ(c_atoi("abc"), 0);
}

TEST(CAtofTest, LongestNumberPrefix) {
  EXPECT_DOUBLE_EQ(c_atof("2.5e1z"), 25.0);
  EXPECT_DOUBLE_EQ(c_atof(" -1.5"), -1.5);
  EXPECT_DOUBLE_EQ(c_atof(""), 0.0);
  EXPECT_DOUBLE_EQ(c_atof("x"), 0.0);
}

TEST(ExpansionChecksTest, VariableReference) {
  EXPECT_TRUE(has_variable_reference("${x}"));
  EXPECT_TRUE(has_variable_reference("a $\\{x}"));  // backslashes may stand in between
  EXPECT_TRUE(has_variable_reference("$$\\\\{"));
  EXPECT_FALSE(has_variable_reference("$x{"));
  EXPECT_FALSE(has_variable_reference("{$}"));
  EXPECT_FALSE(has_variable_reference("plain"));
}

TEST(ExpansionChecksTest, EscapedData) {
  for (const char* text : {"a\\nb", "\\\\", "\\'", "x\\s", "\\t"}) {
    EXPECT_TRUE(has_escaped_data(text)) << text;
  }
  for (const char* text : {"a\\qb", "trailing\\", "none", "\\r"}) {
    EXPECT_FALSE(has_escaped_data(text)) << text;
  }
  EXPECT_TRUE(needs_expansion("${x}"));
  EXPECT_TRUE(needs_expansion("a\\nb"));
  EXPECT_FALSE(needs_expansion("$x \\q"));
}

using Words = std::vector<std::string>;

TEST(SeparateStringTest, MoreOfFreeSwitchRules) {
  EXPECT_EQ(separate_string("a b", ' ', 0), Words{});
  // The text ends at an embedded NUL, as the C string would.
  EXPECT_EQ(separate_string(std::string("a b\0c", 5), ' ', 10), (Words{"a", "b"}));
  // "^^X" needs a character after X; otherwise it is text.
  EXPECT_EQ(separate_string("^^:a:b", ' ', 10), (Words{"a", "b"}));
  EXPECT_EQ(separate_string("^^:", ',', 10), Words{"^^:"});
  // Quotes group across the delimiter and are removed; escapes resolve.
  EXPECT_EQ(separate_string("'a,b',c", ',', 10), (Words{"a,b", "c"}));
  EXPECT_EQ(separate_string("a\\nb\\tc", ',', 10), Words{"a\nb\tc"});
  EXPECT_EQ(separate_string("x 'a  b ' y", ' ', 10), (Words{"x", "a  b ", "y"}));
}

}  // namespace
}  // namespace es::text
