#include "switch/dialplan/dialplan_regex.hpp"

#include <gtest/gtest.h>

namespace es::sw {
namespace {

TEST(DialplanRegex, AsteriskPatterns) {
  EXPECT_EQ(asterisk_to_regex("NXXZ."), "^[2-9][0-9][0-9][1-9].*$");
  struct Case {
    const char* expression;
    const char* subject;
    bool matches;
  };
  for (const Case& c :
       {Case{"_NXXZ", "2001", true}, Case{"_NXXZ", "1001", false}, Case{"_NXXZ", "2000", false},
        Case{"_1XX.", "1005551234", true}, Case{"_1XX", "1234", false},
        Case{"/^abc$/i", "ABC", true}, Case{"/^abc$/", "ABC", false}, Case{"/a.b/s", "a\nb", true},
        Case{"a.b", "a\nb", false}, Case{"^10\\d\\d$", "1001", true},
        Case{"/unterminated", "/unterminated", false}, Case{"(unbalanced", "(unbalanced", false}}) {
    EXPECT_EQ(regex_perform(c.subject, c.expression).count > 0, c.matches)
        << c.expression << " vs " << c.subject;
  }
  std::string error;
  regex_perform("x", "(x", &error);
  EXPECT_FALSE(error.empty());
}

TEST(DialplanRegex, MatchCountAndGroups) {
  RegexMatch m = regex_perform("1234", "^(1)(2)?(x)?(4)?");
  ASSERT_EQ(m.count, 3);  // group 3 and 4 did not take part
  EXPECT_EQ(*m.groups[0], "12");
  EXPECT_EQ(captured_groups(m, m.count), (std::vector<std::string>{"12", "1", "2"}));
  RegexMatch gap = regex_perform("ac", "^(a)(b)?(c)$");
  ASSERT_EQ(gap.count, 4);
  EXPECT_EQ(captured_groups(gap, gap.count), (std::vector<std::string>{"ac", "a", "c"}));
}

TEST(DialplanRegex, Substitution) {
  RegexMatch m = regex_perform("1234", "^(1)(2)(3)(4)$");
  struct Case {
    const char* data;
    const char* expected;
  };
  for (const Case& c :
       {Case{"$1-$4", "1-4"}, Case{"${2}0", "20"}, Case{"$0", "1234"}, Case{"$9x", "x"},
        Case{"cost $x", "cost $x"}, Case{"a$", "a$"}, Case{"${x}", "${x}"}, Case{"$12", ""},
        Case{"${1", "1"}, Case{"none", "none"}}) {
    EXPECT_EQ(perform_substitution(m, c.data), c.expected) << c.data;
  }
  EXPECT_EQ(perform_substitution(m, "$1$2$3$4", 3), "123");
  EXPECT_EQ(perform_substitution(RegexMatch{}, "x$1y"), "xy");
}

}  // namespace
}  // namespace es::sw
