// DialStringMap on its own: which rule matches a leg and what it becomes.
#include "switch/dial_string_map.hpp"

#include <gtest/gtest.h>

#include "core/global_vars.hpp"

namespace es::sw {
namespace {

TEST(DialStringMap, TrailingStarMatchesAPrefixAndCarriesTheRest) {
  DialStringMap map;
  ASSERT_TRUE(map.add("sofia/gateway/carrier/*", "sim/*"));
  EXPECT_EQ(map.map("sofia/gateway/carrier/+15551234"), "sim/+15551234");
  EXPECT_EQ(map.map("sofia/gateway/other/1"), std::nullopt);
}

TEST(DialStringMap, WithoutAStarTheWholeLegMustMatch) {
  DialStringMap map;
  ASSERT_TRUE(map.add("user/1000", "null/1000"));
  EXPECT_EQ(map.map("user/1000"), "null/1000");
  EXPECT_EQ(map.map("user/10001"), std::nullopt);
}

TEST(DialStringMap, TheFirstMatchingRuleWins) {
  DialStringMap map;
  map.add("sofia/*", "null/first");
  map.add("sofia/gateway/*", "null/second");
  EXPECT_EQ(map.map("sofia/gateway/x/1"), "null/first");
}

TEST(DialStringMap, RulesAreBounded) {
  DialStringMap map;
  for (std::size_t i = 0; i < DialStringMap::kMaxRules; ++i) {
    ASSERT_TRUE(map.add("x/" + std::to_string(i), "null/1"));
  }
  EXPECT_FALSE(map.add("one/more", "null/1"));
  EXPECT_FALSE(DialStringMap().add("", "null/1"));
}

TEST(DialStringMap, ReadFromSwitchConf) {
  core::GlobalVars globals;
  auto loaded = core::XmlConfig::load_text(
      "<document type=\"freeswitch/xml\"><section name=\"configuration\">"
      "<configuration name=\"switch.conf\"><dial-string-map>"
      "<map from=\"sofia/gateway/carrier/*\" to=\"sim/*\"/>"
      "<map from=\"no/to\"/>"
      "</dial-string-map></configuration></section></document>",
      ".", globals);
  ASSERT_TRUE(loaded) << loaded.error;
  std::size_t ignored = 0;
  DialStringMap map = DialStringMap::from_config(*loaded.config, &ignored);
  EXPECT_EQ(ignored, 1u);
  ASSERT_EQ(map.rules().size(), 1u);
  EXPECT_EQ(map.map("sofia/gateway/carrier/7"), "sim/7");
}

}  // namespace
}  // namespace es::sw
