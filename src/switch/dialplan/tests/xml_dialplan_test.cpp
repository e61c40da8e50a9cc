#include "switch/dialplan/xml_dialplan.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "switch/dialplan/tests/fake_routing_channel.hpp"

namespace es::sw {
namespace {

// Friday 2024-03-15 14:30:45 UTC.
constexpr std::int64_t kFriday = 1710513045LL * 1000000;

std::vector<std::string> describe(const Extension& extension) {
  std::vector<std::string> out;
  out.reserve(extension.actions.size());
  for (const DialplanAction& a : extension.actions)
    out.push_back(a.application + "(" + a.data + ")");
  return out;
}

class XmlDialplanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    channel.profile = {{"destination_number", "1000"},
                       {"context", "default"},
                       {"caller_id_number", "2001"},
                       {"caller_id_name", "Alice"},
                       {"chan_name", "null/1000"}};
    channel.now_us = kFriday;
  }
  // Hunts `contexts` wrapped in <section name="dialplan">.
  std::optional<Extension> hunt(const std::string& contexts) {
    std::string xml = "<section name=\"dialplan\">" + contexts + "</section>";
    EXPECT_TRUE(doc.load_string(xml.c_str())) << xml;
    return xml_dialplan_hunt(doc.child("section"), channel);
  }
  std::optional<Extension> hunt_default(const std::string& extensions) {
    return hunt("<context name=\"default\">" + extensions + "</context>");
  }
  std::vector<std::string> actions_of(const std::string& extensions) {
    std::optional<Extension> e = hunt_default(extensions);
    return e ? describe(*e) : std::vector<std::string>{"<no match>"};
  }

  testing::FakeRoutingChannel channel;
  pugi::xml_document doc;
};

TEST_F(XmlDialplanTest, SpecExampleSubstitutesCapturesAndSetsDpMatch) {
  auto e = hunt_default(R"(
    <extension name="park-1000">
      <condition field="destination_number" expression="^(10\d\d)$">
        <action application="set" data="target=$1"/>
        <action application="answer"/>
        <action application="park"/>
      </condition>
    </extension>)");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->name, "park-1000");
  EXPECT_EQ(e->number, "1000");
  EXPECT_EQ(describe(*e), (std::vector<std::string>{"set(target=1000)", "answer()", "park()"}));
  EXPECT_EQ(channel.variables["DP_MATCH"], "ARRAY::1000|:1000");
}

TEST_F(XmlDialplanTest, NothingMatches) {
  EXPECT_FALSE(hunt_default(R"(<extension name="x"><condition field="destination_number"
      expression="^2000$"><action application="answer"/></condition></extension>)"));
  EXPECT_FALSE(xml_dialplan_hunt(pugi::xml_node(), channel));
  EXPECT_FALSE(hunt_default(""));
}

TEST_F(XmlDialplanTest, ContextFallsBackToGlobal) {
  const std::string contexts = R"(
    <context name="public"><extension name="pub"><condition><action application="pub"/>
    </condition></extension></context>
    <context name="global"><extension name="glob"><condition><action application="glob"/>
    </condition></extension></context>)";
  auto e = hunt(contexts);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->name, "glob");
  channel.profile["context"] = "PUBLIC";  // context names compare without case
  EXPECT_EQ(hunt(contexts)->name, "pub");
  channel.profile["context"] = "";  // no context: "default"
  EXPECT_EQ(hunt("<context name=\"default\"><extension name=\"d\"><condition><action "
                 "application=\"d\"/></condition></extension></context>")
                ->name,
            "d");
  channel.profile["context"] = "nowhere";
  EXPECT_FALSE(hunt("<context name=\"default\"/>"));
}

TEST_F(XmlDialplanTest, DocumentOrderAndContinue) {
  const char* second = R"(
    <extension name="b"><condition field="destination_number" expression="^1000$">
      <action application="b"/></condition></extension>)";
  auto first_wins = hunt_default(std::string(R"(
    <extension name="miss"><condition field="destination_number" expression="^9$">
      <action application="miss"/></condition></extension>
    <extension name="a"><condition field="destination_number" expression="^1000$">
      <action application="a"/></condition></extension>)") +
                                 second);
  ASSERT_TRUE(first_wins);
  EXPECT_EQ(first_wins->name, "a");
  EXPECT_EQ(describe(*first_wins), (std::vector<std::string>{"a()"}));

  auto continued = hunt_default(std::string(R"(
    <extension name="a" continue="true"><condition field="destination_number"
      expression="^1000$"><action application="a"/></condition></extension>)") +
                                second);
  ASSERT_TRUE(continued);
  EXPECT_EQ(continued->name, "a");
  EXPECT_EQ(describe(*continued), (std::vector<std::string>{"a()", "b()"}));
}

struct ConditionCase {
  const char* name;
  const char* extensions;
  std::vector<std::string> expected;
};

class ConditionTable : public XmlDialplanTest,
                       public ::testing::WithParamInterface<ConditionCase> {};

TEST_P(ConditionTable, CollectsActions) {
  EXPECT_EQ(actions_of(GetParam().extensions), GetParam().expected);
}

const ConditionCase kConditionCases[] = {
    {"ChildExpressionAndTextData",
     R"(<extension name="x"><condition field="destination_number">
          <expression><![CDATA[^(1)(0+)$]]></expression>
          <action application="log">INFO $2 and ${1}</action></condition></extension>)",
     {"log(INFO 000 and 1)"}},
    {"NoParenNoSubstitution",
     R"(<extension name="x"><condition field="destination_number" expression="^1000$">
          <action application="echo" data="$1"/></condition></extension>)",
     {"echo($1)"}},
    {"CaselessSlashRegex",
     R"(<extension name="x"><condition field="caller_id_name" expression="/^alice$/i">
          <action application="ok"/></condition></extension>)",
     {"ok()"}},
    {"AsteriskPattern",
     R"(<extension name="x"><condition field="caller_id_number" expression="_NXXZ">
          <action application="ok"/></condition></extension>)",
     {"ok()"}},
    {"AsteriskPatternMiss",
     R"(<extension name="x"><condition field="destination_number" expression="_NXXX">
          <action application="ok"/></condition></extension>)",
     {"<no match>"}},
    {"FieldWithDollarIsExpanded",
     R"(<extension name="x"><condition field="${caller_id_number}-${destination_number}"
          expression="^(\d+)-(\d+)$"><action application="pair" data="$2:$1"/>
          </condition></extension>)",
     {"pair(1000:2001)"}},
    {"UnknownFieldIsEmpty",
     R"(<extension name="x"><condition field="no_such_field" expression="^$">
          <action application="empty"/></condition></extension>)",
     {"empty()"}},
    {"AbsoluteCondition",
     R"(<extension name="x"><condition><action application="always"/></condition></extension>)",
     {"always()"}},
    {"BreakOnFalseStops",
     R"(<extension name="x"><condition field="destination_number" expression="^9$"/>
          <condition><action application="never"/></condition></extension>)",
     {"<no match>"}},
    {"BreakNeverContinues",
     R"(<extension name="x"><condition field="destination_number" expression="^9$" break="never">
          <action application="no"/></condition>
          <condition><action application="yes"/></condition></extension>)",
     {"yes()"}},
    {"BreakOnTrueStopsAfterTrue",
     R"(<extension name="x"><condition break="on-true"><action application="one"/></condition>
          <condition><action application="two"/></condition></extension>)",
     {"one()"}},
    {"BreakOnTrueGoesOnAfterFalse",
     R"(<extension name="x"><condition field="destination_number" expression="^9$"
          break="on-true"><action application="one"/></condition>
          <condition><action application="two"/></condition></extension>)",
     {"two()"}},
    {"BreakAlwaysAfterTrueMatches",
     R"(<extension name="x"><condition break="always"><action application="one"/></condition>
          <condition><action application="two"/></condition></extension>
        <extension name="y"><condition><action application="three"/></condition></extension>)",
     {"one()"}},
    {"BreakAlwaysAfterFalseDoesNotMatch",
     R"(<extension name="x"><condition field="destination_number" expression="^9$"
          break="always"/><condition><action application="two"/></condition></extension>
        <extension name="y"><condition><action application="three"/></condition></extension>)",
     {"three()"}},
    {"AntiActionsMatchWithoutSubstitution",
     R"(<extension name="x"><condition field="destination_number" expression="^(9)$">
          <action application="yes" data="$1"/>
          <anti-action application="no" data="$1"/></condition></extension>
        <extension name="y"><condition><action application="later"/></condition></extension>)",
     {"no($1)"}},
    {"EarlierTrueConditionsStay",
     R"(<extension name="x"><condition><action application="kept"/></condition>
          <condition field="destination_number" expression="^9$">
          <action application="dropped"/></condition></extension>
        <extension name="y"><condition><action application="next"/></condition></extension>)",
     {"kept()", "next()"}},
    {"NestedConditions",
     R"(<extension name="x"><condition field="destination_number" expression="^1">
          <action application="outer"/>
          <condition field="caller_id_number" expression="^2001$">
            <action application="inner"/></condition></condition></extension>)",
     {"outer()", "inner()"}},
    {"FailingNestedBlockFailsTheExtension",
     R"(<extension name="x"><condition field="destination_number" expression="^1">
          <action application="outer"/>
          <condition field="caller_id_number" expression="^9$">
            <action application="inner"/></condition></condition>
          <condition><action application="after"/></condition></extension>
        <extension name="y"><condition><action application="next"/></condition></extension>)",
     {"outer()", "next()"}},
    {"RequireNestedFalse",
     R"(<extension name="x"><condition field="destination_number" expression="^1"
          require-nested="false"><action application="outer"/>
          <condition field="caller_id_number" expression="^9$">
            <action application="inner"/></condition></condition></extension>
        <extension name="y"><condition><action application="next"/></condition></extension>)",
     {"outer()"}},
    {"NestedFailureWithBreakNeverGoesOn",
     R"(<extension name="x"><condition break="never"><action application="outer"/>
          <condition field="caller_id_number" expression="^9$"/></condition>
          <condition><action application="after"/></condition></extension>)",
     {"outer()", "after()"}},
    {"Loop",
     R"(<extension name="x"><condition><action application="beep" loop="3"/>
          <action application="none" loop="0"/></condition></extension>)",
     {"beep()", "beep()", "beep()"}},
    {"RegexAll",
     R"(<extension name="x"><condition regex="all">
          <regex field="destination_number" expression="^(1)000$"/>
          <regex field="caller_id_number" expression="^(2)001$"/>
          <action application="both" data="$1"/></condition></extension>)",
     {"both(2)"}},
    {"RegexAllFails",
     R"(<extension name="x"><condition regex="all">
          <regex field="destination_number" expression="^1000$"/>
          <regex field="caller_id_number" expression="^9$"/>
          <action application="both"/><anti-action application="not-both"/></condition>
          </extension>)",
     {"not-both()"}},
    {"RegexAnyUsesTheMatchingOne",
     R"(<extension name="x"><condition regex="any">
          <regex field="caller_id_number" expression="^9$"/>
          <regex field="destination_number" expression="^(10)(00)$"/>
          <action application="any" data="$2$1"/></condition></extension>)",
     {"any(0010)"}},
    {"RegexXorOneOfTwo",
     R"(<extension name="x"><condition regex="xor">
          <regex field="caller_id_number" expression="^2001$"/>
          <regex field="destination_number" expression="^9$"/>
          <action application="one"/></condition></extension>)",
     {"one()"}},
    {"RegexXorBothIsFalse",
     R"(<extension name="x"><condition regex="xor">
          <regex field="caller_id_number" expression="^2001$"/>
          <regex field="destination_number" expression="^1000$"/>
          <action application="one"/><anti-action application="not-one"/></condition>
          </extension>)",
     {"not-one()"}},
    {"TimeConditionPasses",
     R"(<extension name="x"><condition wday="mon-fri" time-of-day="09:00-17:00">
          <action application="open"/><anti-action application="closed"/></condition>
          </extension>)",
     {"open()"}},
    {"TimeConditionFails",
     R"(<extension name="x"><condition wday="sat-sun">
          <action application="open"/><anti-action application="closed"/></condition>
          </extension>)",
     {"closed()"}},
    {"TimeAndFieldQuirkTimePassRegexFails",
     R"(<extension name="x"><condition hour="14" field="destination_number" expression="^9$">
          <action application="used-anyway"/></condition></extension>
        <extension name="y"><condition><action application="next"/></condition></extension>)",
     {"used-anyway()", "next()"}},
    {"TimeAndFieldQuirkTimeFailsRegexPasses",
     R"(<extension name="x"><condition hour="3" field="destination_number" expression="^1000$">
          <action application="matched"/></condition></extension>
        <extension name="y"><condition><action application="next"/></condition></extension>)",
     {"matched()"}},
};

INSTANTIATE_TEST_SUITE_P(Conditions, ConditionTable, ::testing::ValuesIn(kConditionCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST_F(XmlDialplanTest, NestedContributorNamesTheExtension) {
  auto e = hunt_default(R"(<extension name="x"><condition>
      <condition><action application="inner"/></condition></condition></extension>)");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->name, "x_recur_1");
}

TEST_F(XmlDialplanTest, RegexModeSetsNumberedMatchVariables) {
  channel.variables["DP_REGEX_MATCH_7"] = "stale";
  auto e = hunt_default(R"(<extension name="x"><condition regex="all">
      <regex field="destination_number" expression="^(1)(0)00$"/>
      <regex field="caller_id_number" expression="^(2)001$"/>
      <action application="a"/></condition></extension>)");
  ASSERT_TRUE(e);
  EXPECT_EQ(channel.variables["DP_REGEX_MATCH_1"], "ARRAY::1000|:1|:0");
  EXPECT_EQ(channel.variables["DP_REGEX_MATCH_2"], "ARRAY::2001|:2");
  EXPECT_FALSE(channel.variables.contains("DP_REGEX_MATCH_7"));
}

TEST_F(XmlDialplanTest, InlineActionsRunDuringTheHunt) {
  auto e = hunt_default(R"(
    <extension name="setup" continue="true"><condition>
      <action application="set" data="route=office" inline="true"/>
      <action application="playback" data="x" inline="true"/>
    </condition></extension>
    <extension name="use"><condition field="${route}" expression="^office$">
      <action application="answer"/></condition></extension>)");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->name, "setup");  // inline actions create the extension too
  EXPECT_EQ(describe(*e), (std::vector<std::string>{"answer()"}));
  ASSERT_EQ(channel.inline_runs.size(), 1u);
  EXPECT_EQ(channel.inline_runs[0].first, "set");
  bool refused_logged = false;
  for (const auto& [level, text] : channel.logs) {
    if (level == kLogError && text.find("cannot be executed inline") != std::string::npos) {
      refused_logged = true;
    }
  }
  EXPECT_TRUE(refused_logged);
}

TEST_F(XmlDialplanTest, ExpressionIsExpanded) {
  channel.variables["wanted"] = "1000";
  EXPECT_EQ(actions_of(R"(<extension name="x"><condition field="destination_number"
      expression="^${wanted}$"><action application="ok"/></condition></extension>)"),
            (std::vector<std::string>{"ok()"}));
}

TEST_F(XmlDialplanTest, TodTzOffsetVariableShiftsTimeConditions) {
  const char* extensions = R"(<extension name="x"><condition hour="16">
      <action application="yes"/><anti-action application="no"/></condition></extension>)";
  EXPECT_EQ(actions_of(extensions), (std::vector<std::string>{"no()"}));
  channel.variables["tod_tz_offset"] = "2";
  EXPECT_EQ(actions_of(extensions), (std::vector<std::string>{"yes()"}));
}

// 2024-07-01 16:30 UTC and 2024-01-15 16:30 UTC.
constexpr std::int64_t kJulyUs = 1719851400LL * 1000000;
constexpr std::int64_t kJanuaryUs = 1705336200LL * 1000000;

bool have_zones() {
  const char* dir = std::getenv("TZDIR");
  std::string base = dir && *dir ? dir : "/usr/share/zoneinfo";
  return std::filesystem::exists(base + "/America/New_York") &&
         std::filesystem::exists(base + "/Asia/Kolkata");
}

TEST_F(XmlDialplanTest, TimezoneVariableSetsTheZoneOfTimeConditions) {
  if (!have_zones()) GTEST_SKIP() << "no system zone database";
  const char* noon_half = R"(<extension name="x"><condition hour="12" minute="30">
      <action application="yes"/><anti-action application="no"/></condition></extension>)";
  channel.variables["timezone"] = "America/New_York";
  channel.now_us = kJulyUs;  // 12:30 EDT
  EXPECT_EQ(actions_of(noon_half), (std::vector<std::string>{"yes()"}));
  channel.now_us = kJanuaryUs;  // 11:30 EST
  EXPECT_EQ(actions_of(noon_half), (std::vector<std::string>{"no()"}));
  channel.variables["timezone"] = "Asia/Kolkata";
  channel.now_us = kJulyUs;  // 22:00 IST
  EXPECT_EQ(actions_of(R"(<extension name="x"><condition hour="22" minute="0">
      <action application="yes"/><anti-action application="no"/></condition></extension>)"),
            (std::vector<std::string>{"yes()"}));
}

TEST_F(XmlDialplanTest, TzOffsetAttributeComparesTheZonesWholeHours) {
  if (!have_zones()) GTEST_SKIP() << "no system zone database";
  const char* minus_four = R"(<extension name="x"><condition tz-offset="-4">
      <action application="yes"/><anti-action application="no"/></condition></extension>)";
  channel.variables["timezone"] = "America/New_York";
  channel.now_us = kJulyUs;
  EXPECT_EQ(actions_of(minus_four), (std::vector<std::string>{"yes()"}));
  channel.now_us = kJanuaryUs;
  EXPECT_EQ(actions_of(minus_four), (std::vector<std::string>{"no()"}));
  // +5:30 counts as 5 (the hours are truncated).
  channel.variables["timezone"] = "Asia/Kolkata";
  EXPECT_EQ(actions_of(R"(<extension name="x"><condition tz-offset="5">
      <action application="yes"/><anti-action application="no"/></condition></extension>)"),
            (std::vector<std::string>{"yes()"}));
}

TEST_F(XmlDialplanTest, TodTzOffsetWinsOverTimezone) {
  if (!have_zones()) GTEST_SKIP() << "no system zone database";
  channel.variables["timezone"] = "America/New_York";
  channel.variables["tod_tz_offset"] = "1";
  channel.now_us = kJulyUs;  // 17:30 at +1, 12:30 in New York
  EXPECT_EQ(actions_of(R"(<extension name="x"><condition hour="17">
      <action application="yes"/><anti-action application="no"/></condition></extension>)"),
            (std::vector<std::string>{"yes()"}));
}

TEST_F(XmlDialplanTest, UnknownTimezoneIsLogged) {
  channel.variables["timezone"] = "Nowhere/Atlantis";
  channel.now_us = kJulyUs;
  actions_of(R"(<extension name="x"><condition hour="0-23">
      <action application="yes"/></condition></extension>)");
  bool logged = false;
  for (const auto& [level, text] : channel.logs)
    logged = logged || (level == kLogError && text == "Timezone 'Nowhere/Atlantis' not found!\n");
  EXPECT_TRUE(logged);
}

TEST_F(XmlDialplanTest, AutoHuntStartsAtTheDestinationsExtension) {
  const char* extensions = R"(
    <extension name="first"><condition><action application="first"/></condition></extension>
    <extension name="1000"><condition><action application="named"/></condition></extension>)";
  EXPECT_EQ(actions_of(extensions), (std::vector<std::string>{"first()"}));
  channel.variables["auto_hunt"] = "true";
  EXPECT_EQ(actions_of(extensions), (std::vector<std::string>{"named()"}));
}

}  // namespace
}  // namespace es::sw
