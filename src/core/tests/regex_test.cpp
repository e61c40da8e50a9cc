#include "core/regex.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace es::core {
namespace {

TEST(Regex, AsteriskPatterns) {
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

TEST(Regex, MatchCountAndGroups) {
  RegexMatch m = regex_perform("1234", "^(1)(2)?(x)?(4)?");
  ASSERT_EQ(m.count, 3);  // group 3 and 4 did not take part
  EXPECT_EQ(m.group(0), "12");
  EXPECT_EQ(m.group(3), std::nullopt);
  EXPECT_EQ(captured_groups(m, m.count), (std::vector<std::string>{"12", "1", "2"}));
  RegexMatch gap = regex_perform("ac", "^(a)(b)?(c)$");
  ASSERT_EQ(gap.count, 4);
  EXPECT_EQ(captured_groups(gap, gap.count), (std::vector<std::string>{"ac", "a", "c"}));
}

TEST(Regex, Substitution) {
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

TEST(Regex, AsteriskPatternsAreCutAt255Bytes) {
  EXPECT_EQ(asterisk_to_regex(std::string(300, '1')).size(), 255u);
}

TEST(Regex, CatastrophicBacktrackingEndsAsNoMatch) {
  // Exponential in the subject length without a match limit: 2^40 paths.
  std::string subject(40, 'a');
  subject += '!';
  auto start = std::chrono::steady_clock::now();
  std::string error;
  RegexMatch m = regex_perform(subject, "^(a+)+$", &error);
  EXPECT_EQ(m.count, 0);
  EXPECT_EQ(error, "match limit exceeded");
  Regex filter("(a|aa)*b");
  EXPECT_FALSE(filter.matches(std::string(5000, 'a')));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  // The same pattern still matches what it should.
  EXPECT_EQ(regex_perform("aaaa", "^(a+)+$").count, 2);
  EXPECT_TRUE(filter.matches("aaab"));
}

TEST(Regex, BacktrackingMemoryIsBounded) {
  // Every iteration of the group leaves a backtracking point: with PCRE2's defaults this
  // matches after taking hundreds of megabytes.
  Regex repeated("^(?:(a)|b)*$");
  std::string error;
  EXPECT_EQ(repeated.match(std::string(2'000'000, 'a'), nullptr, &error), 0);
  EXPECT_FALSE(error.empty());
  EXPECT_TRUE(repeated.matches(std::string(1000, 'a')));
}

TEST(Regex, PatternLengthIsBounded) {
  // A comment: long to read, nothing to compile.
  std::string longest = "(?#" + std::string(kRegexMaxPatternBytes - 4, 'x') + ")";
  EXPECT_TRUE(Regex(longest).valid());
  Regex longer(longest + "a");
  EXPECT_FALSE(longer.valid());
  EXPECT_FALSE(longer.error().empty());
}

TEST(Regex, SubstitutionWithStaleDigitsStaysInsideItsData) {
  // "${123x" leaves stale digits, so the next "${4x" steps back further than its position;
  // FreeSWITCH's routine (and the regex API's former copy) read before the data there.
  RegexMatch m = regex_perform("aaaaaaaaaaaa", "a");
  ASSERT_EQ(m.count, 1);
  std::string out = perform_substitution(m, "${123x${4x", 1000);
  EXPECT_EQ(out.size(), 1000u);  // it backs up repeatedly and fills the buffer
  EXPECT_EQ(out.substr(0, 8), "123xx3x2");
  // Nine stale digits make every later "${N" step back behind itself: without a caller's limit
  // the output still ends, at kRegexMaxOutputBytes.
  EXPECT_EQ(perform_substitution(m, "${123456789x${1x").size(), kRegexMaxOutputBytes);
}

TEST(Regex, OverlappingGroupsCostNoCopies) {
  std::string subject(1 << 20, 'a');
  std::string pattern;
  for (int i = 0; i < 64; ++i) pattern += "(?=(a*))";
  RegexMatch m = regex_perform(subject, pattern);
  ASSERT_EQ(m.count, 65);
  EXPECT_EQ(m.group(64)->size(), subject.size());
  // The dialplan's captures stop once they would pass the output bound.
  auto captures = captured_groups(m, m.count);
  EXPECT_EQ(captures.size(), 1 + kRegexMaxOutputBytes / subject.size());  // group 0 is empty
}

}  // namespace
}  // namespace es::core
