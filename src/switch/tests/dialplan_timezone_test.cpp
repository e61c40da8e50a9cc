// Time conditions of the XML dialplan on the switch's simulated clock: the same extension at
// the same instant routes differently by the channel's `timezone`, and moves on with the clock.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "core/xml_config.hpp"
#include "switch/switch_core.hpp"
#include "switch/tests/media_test_signal.hpp"
#include "switch/tests/switch_fixture.hpp"

namespace es::sw::testing {
namespace {

// 17:00-17:59 local time sets tz_result=afternoon, any other hour tz_result=other.
constexpr const char* kDialplan = R"(<document type="freeswitch/xml">
  <section name="dialplan"><context name="default">
    <extension name="hours">
      <condition field="destination_number" expression="^1000$"/>
      <condition hour="17">
        <action application="set" data="tz_result=afternoon"/>
        <action application="park"/>
        <anti-action application="set" data="tz_result=other"/>
        <anti-action application="park"/>
      </condition>
    </extension>
  </context></section>
</document>)";

bool have_zones() {
  const char* dir = std::getenv("TZDIR");
  std::string base = dir && *dir ? dir : "/usr/share/zoneinfo";
  return std::filesystem::exists(base + "/America/New_York") &&
         std::filesystem::exists(base + "/America/Chicago") &&
         std::filesystem::exists(base + "/America/Los_Angeles");
}

class DialplanTimezoneTest : public SwitchFixture {
 protected:
  // The simulated clock starts at 2023-11-14 22:13:20 UTC: 17:13 in New York (EST), 16:13 in
  // Chicago, 14:13 in Los Angeles.
  DialplanTimezoneTest() : SwitchFixture(true) {
    auto loaded = core::XmlConfig::load_text(kDialplan, ".", runtime_->globals());
    EXPECT_TRUE(loaded) << loaded.error;
    std::shared_ptr<const core::XmlConfig> config = loaded.config;
    switch_->xml = [config] { return config; };
  }

  // What the extension decided for a call with `timezone` set ("" for none).
  std::string routed(const std::string& timezone) {
    std::string vars = timezone.empty() ? "" : "{timezone=" + timezone + "}";
    std::string uuid = uuid_of(api("originate", vars + "null/1 1000 XML default"));
    EXPECT_TRUE(recorder_->wait_for("CHANNEL_PARK", uuid));
    std::string result = api("uuid_getvar", uuid + " tz_result");
    api("uuid_kill", uuid);
    return result;
  }
};

TEST_F(DialplanTimezoneTest, TheChannelsZoneDecidesTheHour) {
  if (!have_zones()) GTEST_SKIP() << "no system zone database";
  EXPECT_EQ(routed("America/New_York"), "afternoon");
  EXPECT_EQ(routed("America/Chicago"), "other");
  EXPECT_EQ(routed("America/Los_Angeles"), "other");
  advance_ms(std::int64_t{3600} * 1000);  // 18:13 in New York, 17:13 in Chicago
  EXPECT_EQ(routed("America/New_York"), "other");
  EXPECT_EQ(routed("America/Chicago"), "afternoon");
}

}  // namespace
}  // namespace es::sw::testing
