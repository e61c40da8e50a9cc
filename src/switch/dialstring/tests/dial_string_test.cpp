#include "switch/dialstring/dial_string.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace es::sw {
namespace {

using Vars = std::vector<std::pair<std::string, std::string>>;

struct LegExpect {
  std::string endpoint;
  std::string data;
  Vars vars;
};

struct DialCase {
  std::string name;
  std::string text;
  Vars enterprise;
  Vars global;
  std::vector<std::vector<LegExpect>> groups;
};

class DialStringParse : public ::testing::TestWithParam<DialCase> {};

TEST_P(DialStringParse, Structure) {
  const DialCase& c = GetParam();
  DialStringResult r = parse_dial_string(c.text);
  ASSERT_TRUE(r.dial.has_value()) << r.error;
  EXPECT_TRUE(r.error.empty());
  EXPECT_EQ(r.dial->enterprise_vars.vars, c.enterprise);
  EXPECT_EQ(r.dial->global_vars.vars, c.global);
  ASSERT_EQ(r.dial->groups.size(), c.groups.size());
  for (std::size_t g = 0; g < c.groups.size(); ++g) {
    const auto& legs = r.dial->groups[g].legs;
    ASSERT_EQ(legs.size(), c.groups[g].size()) << "group " << g;
    for (std::size_t l = 0; l < legs.size(); ++l) {
      SCOPED_TRACE("group " + std::to_string(g) + " leg " + std::to_string(l));
      EXPECT_EQ(legs[l].endpoint, c.groups[g][l].endpoint);
      EXPECT_EQ(legs[l].data, c.groups[g][l].data);
      EXPECT_EQ(legs[l].vars.vars, c.groups[g][l].vars);
    }
  }
}

const DialCase kDialCases[] = {
    {"Simple", "null/1000", {}, {}, {{{"null", "1000", {}}}}},
    {"LeadingSpaces", "   null/1000", {}, {}, {{{"null", "1000", {}}}}},
    {"DataKeepsFurtherSlashes",
     "loopback/1000/default/XML",
     {},
     {},
     {{{"loopback", "1000/default/XML", {}}}}},
    {"NoSlash", "error", {}, {}, {{{"error", "", {}}}}},
    {"EmptyData", "null/", {}, {}, {{{"null", "", {}}}}},
    {"EndpointCaseKept", "Loopback/9", {}, {}, {{{"Loopback", "9", {}}}}},
    {"GlobalBlock", "{a=b,c=d}null/1", {}, {{"a", "b"}, {"c", "d"}}, {{{"null", "1", {}}}}},
    {"TwoAdjacentGlobalBlocks",
     "{a=b}{c=d}null/1",
     {},
     {{"a", "b"}, {"c", "d"}},
     {{{"null", "1", {}}}}},
    // A space ends the block list: the second block becomes part of the endpoint name.
    {"SpaceBetweenGlobalBlocks", "{a=b} {c=d}null/1", {}, {{"a", "b"}}, {{{"{c=d}null", "1", {}}}}},
    {"SpaceAfterBlocks", "{a=b}   null/1", {}, {{"a", "b"}}, {{{"null", "1", {}}}}},
    {"EnterpriseAndGlobal",
     "<x=1><y=2>{a=b}null/1",
     {{"x", "1"}, {"y", "2"}},
     {{"a", "b"}},
     {{{"null", "1", {}}}}},
    {"QuotedCommaInGlobal",
     "{a='x,y',b=2}null/1",
     {},
     {{"a", "x,y"}, {"b", "2"}},
     {{{"null", "1", {}}}}},
    {"QuotedSpacesInGlobal",
     "{origination_caller_id_name='John Doe'}null/1",
     {},
     {{"origination_caller_id_name", "John Doe"}},
     {{{"null", "1", {}}}}},
    {"EscapedCommaInGlobal",
     R"({a=x\,y,b=2}null/1)",
     {},
     {{"a", "x,y"}, {"b", "2"}},
     {{{"null", "1", {}}}}},
    {"CaretSeparatorInGlobal",
     "{^^:a=x,y:b=2}null/1",
     {},
     {{"a", "x,y"}, {"b", "2"}},
     {{{"null", "1", {}}}}},
    {"CaretSeparatorInEnterprise",
     "<^^;a=1,2;b=3>null/1",
     {{"a", "1,2"}, {"b", "3"}},
     {},
     {{{"null", "1", {}}}}},
    {"NestedBraces", "{a={b}}null/1", {}, {{"a", "{b}"}}, {{{"null", "1", {}}}}},
    {"ValueWithEquals", "{a=b=c}null/1", {}, {{"a", "b=c"}}, {{{"null", "1", {}}}}},
    {"ItemWithoutEqualsIgnored", "{a,b=1,=}null/1", {}, {{"b", "1"}}, {{{"null", "1", {}}}}},
    {"LaterDuplicateReplaces",
     "{a=1,b=2,A=3}null/1",
     {},
     {{"b", "2"}, {"A", "3"}},
     {{{"null", "1", {}}}}},
    // The ',' split already strips the quotes, leaving "a=" which has no value.
    {"EmptyQuotedValueIgnored",
     "{a=1,b=2,a=''}null/1",
     {},
     {{"a", "1"}, {"b", "2"}},
     {{{"null", "1", {}}}}},
    // An empty value that reaches the variable removes it (like an empty event header).
    {"EscapedEmptyQuotesRemove",
     R"({a=1,b=2,a=\'\'}null/1)",
     {},
     {{"b", "2"}},
     {{{"null", "1", {}}}}},
    {"GlobalShadowsEnterprise",
     "<a=1,b=1>{a=2}null/1",
     {{"b", "1"}},
     {{"a", "2"}},
     {{{"null", "1", {}}}}},
    {"EmptyBlock", "{}null/1", {}, {}, {{{"null", "1", {}}}}},
    {"Simultaneous", "null/1,null/2", {}, {}, {{{"null", "1", {}}, {"null", "2", {}}}}},
    {"SpacesAroundComma", "null/1 ,   null/2", {}, {}, {{{"null", "1", {}}, {"null", "2", {}}}}},
    {"Sequential", "null/1|null/2", {}, {}, {{{"null", "1", {}}}, {{"null", "2", {}}}}},
    {"SpacesAroundPipe", "null/1  |  null/2", {}, {}, {{{"null", "1", {}}}, {{"null", "2", {}}}}},
    {"Mixed",
     "{t=1}null/1,null/2|error/USER_BUSY|loopback/3",
     {},
     {{"t", "1"}},
     {{{"null", "1", {}}, {"null", "2", {}}},
      {{"error", "USER_BUSY", {}}},
      {{"loopback", "3", {}}}}},
    {"EmptyLegKept",
     "null/1,,null/2",
     {},
     {},
     {{{"null", "1", {}}, {"", "", {}}, {"null", "2", {}}}}},
    {"EmptyGroupKept", "null/1||null/2", {}, {}, {{{"null", "1", {}}}, {}, {{"null", "2", {}}}}},
    {"TrailingPipeIgnored", "null/1|", {}, {}, {{{"null", "1", {}}}}},
    {"LegBlocks",
     "[a=1,b=2]null/1,[c=3]null/2",
     {},
     {},
     {{{"null", "1", {{"a", "1"}, {"b", "2"}}}, {"null", "2", {{"c", "3"}}}}}},
    {"LegBlockCommasDoNotSplitLegs",
     "[a=1,b=2,c=3]null/1",
     {},
     {},
     {{{"null", "1", {{"a", "1"}, {"b", "2"}, {"c", "3"}}}}}},
    {"TwoAdjacentLegBlocks",
     "[a=1][b=2]null/1",
     {},
     {},
     {{{"null", "1", {{"a", "1"}, {"b", "2"}}}}}},
    {"SpaceAfterLegBlock", "[a=1]  null/1", {}, {}, {{{"null", "1", {{"a", "1"}}}}}},
    {"SpaceBeforeLegBlock",
     "null/1, [a=1]null/2",
     {},
     {},
     {{{"null", "1", {}}, {"null", "2", {{"a", "1"}}}}}},
    {"EscapedCommaInLegBlock",
     R"([a=x\,y,b=2]null/1)",
     {},
     {},
     {{{"null", "1", {{"a", "x,y"}, {"b", "2"}}}}}},
    // The '|' split removes the quotes before the [] commas are classified, so a quoted comma
    // still separates [] variables (FreeSWITCH behaviour; {} blocks are parsed before that).
    {"QuotedCommaInLegBlockSplits", "[a='x,y']null/1", {}, {}, {{{"null", "1", {{"a", "x"}}}}}},
    // Escaped quotes survive the '|' split and then protect the comma.
    {"EscapedQuotesProtectCommaInLegBlock",
     R"([a=\'x,y\',b=2]null/1)",
     {},
     {},
     {{{"null", "1", {{"a", "x,y"}, {"b", "2"}}}}}},
    {"CaretSeparatorInLegBlock",
     "[^^:a=1:b=2,3]null/1,null/2",
     {},
     {},
     {{{"null", "1", {{"a", "1"}, {"b", "2,3"}}}, {"null", "2", {}}}}},
    {"LegBlocksAcrossGroups",
     "[a=1]null/1|[a=2]null/2",
     {},
     {},
     {{{"null", "1", {{"a", "1"}}}}, {{"null", "2", {{"a", "2"}}}}}},
    {"AllBlockKinds",
     "<e=1>{g=2}[l=3]null/1",
     {{"e", "1"}},
     {{"g", "2"}},
     {{{"null", "1", {{"l", "3"}}}}}},
    {"QuotedData", "null/'a b'", {}, {}, {{{"null", "a b", {}}}}},
    {"EscapedPipeInData", R"(null/a\|b)", {}, {}, {{{"null", "a|b", {}}}}},
    {"BracketsInDataKeepCommas", "null/x[a,b]", {}, {}, {{{"null", "x[a,b]", {}}}}},
    // switch_separate_string's "^^X" prefix applies to the '|' split too.
    {"CaretChangesGroupSeparator",
     "^^;null/1;null/2",
     {},
     {},
     {{{"null", "1", {}}}, {{"null", "2", {}}}}},
};

INSTANTIATE_TEST_SUITE_P(Cases, DialStringParse, ::testing::ValuesIn(kDialCases),
                         [](const auto& info) { return info.param.name; });

struct ErrorCase {
  std::string name;
  std::string text;
};

class DialStringError : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(DialStringError, Fails) {
  DialStringResult r = parse_dial_string(GetParam().text);
  EXPECT_FALSE(r.dial.has_value());
  EXPECT_FALSE(r.error.empty());
}

const ErrorCase kErrorCases[] = {
    {"Empty", ""},
    {"OnlySpaces", "    "},
    {"OnlyGlobalBlock", "{a=b}"},
    {"OnlyBlocksAndSpaces", "<x=1>{a=b}   "},
    {"UnterminatedGlobal", "{a=b"},
    {"UnterminatedGlobalBeforeLeg", "{a=b null/1"},
    {"UnterminatedNestedGlobal", "{a={b}null/1"},
    {"UnterminatedEnterprise", "<a=b null/1"},
    {"UnterminatedLegBlock", "[a=1 null/1"},
    {"UnterminatedLegBlockInSecondLeg", "null/1,[a=1"},
    {"UnterminatedLegBlockInSecondGroup", "null/1|[a=1"},
    {"EnterpriseNeedsSplit", "null/1:_:null/2"},
};

INSTANTIATE_TEST_SUITE_P(Cases, DialStringError, ::testing::ValuesIn(kErrorCases),
                         [](const auto& info) { return info.param.name; });

TEST(DialString, EmptyErrorMessage) {
  EXPECT_EQ(parse_dial_string("").error, "No origination URL specified");
}

TEST(DialString, LegTextWithoutBlocks) {
  DialStringResult r = parse_dial_string("{a=1}[b=2] [c=3]sofia/gw/x/1000@host , null/2");
  ASSERT_TRUE(r.dial);
  const auto& legs = r.dial->groups.at(0).legs;
  ASSERT_EQ(legs.size(), 2u);
  // Only directly adjacent [] blocks are parsed.
  EXPECT_EQ(legs[0].text, "[c=3]sofia/gw/x/1000@host");
  EXPECT_EQ(legs[0].endpoint, "[c=3]sofia");
  EXPECT_TRUE(legs[0].has_slash);
  EXPECT_EQ(legs[1].text, "null/2");
  EXPECT_FALSE(parse_dial_string("error").dial->groups[0].legs[0].has_slash);
}

// An item without '=' is dropped (as FreeSWITCH does) and reported, so originate can warn:
// typically a value whose commas split it.
TEST(DialString, ItemsWithoutAValueAreReported) {
  DialStringResult r = parse_dial_string("{sim_dtmf=1@500,2@700}[x=1,#@900]sim/1");
  ASSERT_TRUE(r.dial);
  EXPECT_EQ(*r.dial->global_vars.find("sim_dtmf"), "1@500");
  EXPECT_EQ(r.dial->ignored, (std::vector<std::string>{"2@700", "#@900"}));
  DialStringResult fine = parse_dial_string("{^^:sim_dtmf=1@500,2@700:a=1}sim/1");
  ASSERT_TRUE(fine.dial);
  EXPECT_EQ(*fine.dial->global_vars.find("sim_dtmf"), "1@500,2@700");
  EXPECT_TRUE(fine.dial->ignored.empty());
}

TEST(VarList, FindIsCaseInsensitive) {
  VarList v;
  v.vars = {{"Foo", "1"}, {"bar", "2"}, {"FOO", "3"}};
  ASSERT_NE(v.find("foo"), nullptr);
  EXPECT_EQ(*v.find("foo"), "3");
  EXPECT_EQ(*v.find("BAR"), "2");
  EXPECT_EQ(v.find("baz"), nullptr);
}

TEST(VarList, SetReplacesAndMovesToEnd) {
  VarList v;
  v.set("a", "1");
  v.set("b", "2");
  v.set("A", "3");
  EXPECT_EQ(v.vars, (Vars{{"b", "2"}, {"A", "3"}}));
  v.set("B", "");
  EXPECT_EQ(v.vars, (Vars{{"A", "3"}}));
  EXPECT_TRUE(v.erase("a"));
  EXPECT_FALSE(v.erase("a"));
  EXPECT_TRUE(v.empty());
}

TEST(SplitEnterprise, WithoutDelimiterOnePart) {
  EXPECT_EQ(split_enterprise("{a=b}null/1"), (std::vector<std::string>{"{a=b}null/1"}));
  EXPECT_EQ(split_enterprise(""), (std::vector<std::string>{""}));
  EXPECT_FALSE(is_enterprise_dial_string("null/1|null/2"));
  EXPECT_TRUE(is_enterprise_dial_string("null/1:_:null/2"));
}

TEST(SplitEnterprise, PartsGetEnterpriseBlocks) {
  std::vector<std::string> parts = split_enterprise(" <a=b> null/1 :_: {c=d}null/2,null/3");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0], "<a=b><ignore_early_media=true>null/1 ");
  EXPECT_EQ(parts[1], "<a=b><ignore_early_media=true>{c=d}null/2,null/3");

  DialStringResult second = parse_dial_string(parts[1]);
  ASSERT_TRUE(second.dial) << second.error;
  EXPECT_EQ(second.dial->enterprise_vars.vars, (Vars{{"a", "b"}, {"ignore_early_media", "true"}}));
  EXPECT_EQ(second.dial->global_vars.vars, (Vars{{"c", "d"}}));
  EXPECT_EQ(second.dial->groups.at(0).legs.size(), 2u);

  DialStringResult first = parse_dial_string(parts[0]);
  ASSERT_TRUE(first.dial) << first.error;
  EXPECT_EQ(first.dial->groups.at(0).legs.at(0).data, "1");
}

TEST(SplitEnterprise, ForcedIgnoreEarlyMediaOverridesEnterpriseButNotGlobal) {
  std::vector<std::string> parts =
      split_enterprise("<ignore_early_media=false>null/1:_:{ignore_early_media=ring_ready}null/2");
  ASSERT_EQ(parts.size(), 2u);
  DialStringResult first = parse_dial_string(parts[0]);
  ASSERT_TRUE(first.dial);
  EXPECT_EQ(*first.dial->enterprise_vars.find("ignore_early_media"), "true");
  DialStringResult second = parse_dial_string(parts[1]);
  ASSERT_TRUE(second.dial);
  EXPECT_EQ(second.dial->enterprise_vars.find("ignore_early_media"), nullptr);
  EXPECT_EQ(*second.dial->global_vars.find("ignore_early_media"), "ring_ready");
}

TEST(SplitEnterprise, ThreePartsAndEmptyPart) {
  std::vector<std::string> parts = split_enterprise("null/1:_:null/2:_:");
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[1], "<ignore_early_media=true>null/2");
  EXPECT_FALSE(parse_dial_string(parts[2]).dial.has_value());
}

TEST(SplitEnterprise, BrokenEnterpriseBlockGivesWholeText) {
  std::vector<std::string> parts = split_enterprise("<a=b:_:null/1");
  EXPECT_EQ(parts, (std::vector<std::string>{"<a=b:_:null/1"}));
  EXPECT_FALSE(parse_dial_string(parts[0]).dial.has_value());
}

struct EffectiveCase {
  std::string name;
  std::string text;
  Vars effective;
  Vars originate;
};

class EffectiveVars : public ::testing::TestWithParam<EffectiveCase> {};

TEST_P(EffectiveVars, InstallOrder) {
  DialStringResult r = parse_dial_string(GetParam().text);
  ASSERT_TRUE(r.dial) << r.error;
  const DialLeg& leg = r.dial->groups.at(0).legs.at(0);
  EXPECT_EQ(effective_leg_vars(*r.dial, leg).vars, GetParam().effective);
  EXPECT_EQ(originate_leg_vars(*r.dial, leg).vars, GetParam().originate);
}

const EffectiveCase kEffectiveCases[] = {
    {"NoVars", "null/1", {}, {}},
    {"GlobalWinsByDefault",
     "{a=g,b=g}[a=l,c=l]null/1",
     {{"c", "l"}, {"a", "g"}, {"b", "g"}},
     {{"b", "g"}, {"a", "l"}, {"c", "l"}}},
    {"ClobberLetsLegWin",
     "{local_var_clobber=true,a=g}[a=l]null/1",
     {{"local_var_clobber", "true"}, {"a", "l"}},
     {{"local_var_clobber", "true"}, {"a", "l"}}},
    {"ClobberNumeric",
     "{local_var_clobber=1,a=g}[a=l]null/1",
     {{"local_var_clobber", "1"}, {"a", "l"}},
     {{"local_var_clobber", "1"}, {"a", "l"}}},
    {"ClobberFalse",
     "{local_var_clobber=false,a=g}[a=l]null/1",
     {{"local_var_clobber", "false"}, {"a", "g"}},
     {{"local_var_clobber", "false"}, {"a", "l"}}},
    {"ClobberInEnterprise",
     "<local_var_clobber=yes>{a=g}[a=l]null/1",
     {{"local_var_clobber", "yes"}, {"a", "l"}},
     {{"local_var_clobber", "yes"}, {"a", "l"}}},
    // Only the <>/{} variables are consulted for local_var_clobber.
    {"ClobberInLegIgnored",
     "{a=g}[local_var_clobber=true,a=l]null/1",
     {{"local_var_clobber", "true"}, {"a", "g"}},
     {{"local_var_clobber", "true"}, {"a", "l"}}},
    {"EnterpriseThenGlobal",
     "<a=e,b=e>{a=g}null/1",
     {{"b", "e"}, {"a", "g"}},
     {{"b", "e"}, {"a", "g"}}},
};

INSTANTIATE_TEST_SUITE_P(Cases, EffectiveVars, ::testing::ValuesIn(kEffectiveCases),
                         [](const auto& info) { return info.param.name; });

TEST(EffectiveVars, PerLegOfASharedGroup) {
  DialStringResult r = parse_dial_string("{x=1}[y=2]null/1,[y=3]null/2");
  ASSERT_TRUE(r.dial);
  const auto& legs = r.dial->groups.at(0).legs;
  EXPECT_EQ(*effective_leg_vars(*r.dial, legs[0]).find("y"), "2");
  EXPECT_EQ(*effective_leg_vars(*r.dial, legs[1]).find("y"), "3");
  EXPECT_EQ(*effective_leg_vars(*r.dial, legs[1]).find("x"), "1");
}

struct CalleeCase {
  std::string dest;
  std::string expected;
};

class CalleeNumber : public ::testing::TestWithParam<CalleeCase> {};

TEST_P(CalleeNumber, Sanitized) {
  EXPECT_EQ(callee_number_from_destination(GetParam().dest), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(Cases, CalleeNumber,
                         ::testing::Values(CalleeCase{"1000", "1000"}, CalleeCase{"", ""},
                                           CalleeCase{"sip:1000@example.com", "1000"},
                                           CalleeCase{"gw/carrier/5551234", "5551234"},
                                           CalleeCase{"user/1000@default", "1000"},
                                           CalleeCase{"a/b:c", "c"}, CalleeCase{"a:b/c", "c"},
                                           CalleeCase{"1000@a/b@c", "1000"},
                                           CalleeCase{"1000/default/XML", "XML"},
                                           CalleeCase{"abc:", ""}));

TEST(Destination, EmptyDataIsService) {
  EXPECT_EQ(destination_from_data(""), "service");
  EXPECT_EQ(destination_from_data("1000"), "1000");
}

TEST(NestedVars, MentionedAnywhereAnyCase) {
  EXPECT_TRUE(mentions_nested_vars("{origination_nested_vars=true}null/1"));
  EXPECT_TRUE(mentions_nested_vars("[ORIGINATION_NESTED_VARS=True]null/1"));
  EXPECT_FALSE(mentions_nested_vars("{origination_nested_vars=false}null/1"));
  EXPECT_FALSE(mentions_nested_vars("origination_nested_vars=tru"));
}

}  // namespace
}  // namespace es::sw
