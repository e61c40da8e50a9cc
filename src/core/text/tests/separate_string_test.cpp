#include "core/text/separate_string.hpp"

#include <gtest/gtest.h>

#include "core/text/text.hpp"
#include "protocol/ascii.hpp"

namespace es::text {
namespace {

using Words = std::vector<std::string>;

TEST(SeparateStringTest, SpaceRunsAndTrimming) {
  EXPECT_EQ(separate_string("  a   b c  ", ' ', 10), (Words{"a", "b", "c"}));
  EXPECT_EQ(separate_string("", ' ', 10), Words{});
}

TEST(SeparateStringTest, LastTokenKeepsTheRest) {
  EXPECT_EQ(separate_string("a b  c d", ' ', 2), (Words{"a", "b  c d"}));
  EXPECT_EQ(separate_string("x=y=z=w", '=', 3), (Words{"x", "y", "z=w"}));
}

TEST(SeparateStringTest, QuotesAndEscapes) {
  EXPECT_EQ(separate_string("'a b' c", ' ', 10), (Words{"a b", "c"}));
  EXPECT_EQ(separate_string("a\\sb c\\'d", ' ', 10), (Words{"a b", "c'd"}));
  EXPECT_EQ(separate_string("a\\|b|c", '|', 10), (Words{"a|b", "c"}));
  // A lone quote with another delimiter is an ordinary character.
  EXPECT_EQ(separate_string("it's|x", '|', 10), (Words{"it's", "x"}));
}

TEST(SeparateStringTest, OtherDelimitersKeepEmptyTokensExceptATrailingOne) {
  EXPECT_EQ(separate_string("|a||b|", '|', 10), (Words{"", "a", "", "b"}));
  EXPECT_EQ(separate_string(" a , b ", ',', 10), (Words{"a", "b"}));
}

TEST(SeparateStringTest, CaretDelimiterPrefix) {
  EXPECT_EQ(separate_string("^^:a:b c", ',', 10), (Words{"a", "b c"}));
}

TEST(SeparateStringTest, Helpers) {
  EXPECT_TRUE(protocol::iequals("AbC", "aBc"));
  EXPECT_FALSE(protocol::iequals("ab", "abc"));
  EXPECT_TRUE(protocol::istarts_with("STATUSx", "status"));
  EXPECT_EQ(c_atol("  -42xyz"), -42);
  EXPECT_EQ(c_atol("x"), 0);
  EXPECT_DOUBLE_EQ(c_atof("2.5e1z"), 25.0);
}

}  // namespace
}  // namespace es::text
