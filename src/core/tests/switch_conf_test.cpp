#include "core/switch_conf.hpp"

#include <gtest/gtest.h>

#include "core/clock.hpp"

namespace es::core {
namespace {

std::shared_ptr<const XmlConfig> load(const std::string& configurations) {
  GlobalVars globals;
  auto loaded =
      XmlConfig::load_text("<document type=\"freeswitch/xml\"><section name=\"configuration\">" +
                               configurations + "</section></document>",
                           ".", globals);
  EXPECT_TRUE(loaded) << loaded.error;
  return loaded.config;
}

std::string settings(std::string_view name, const std::string& params) {
  return "<configuration name=\"" + std::string(name) + "\"><settings>" + params +
         "</settings></configuration>";
}

std::string param(std::string_view name, std::string_view value) {
  return "<param name=\"" + std::string(name) + "\" value=\"" + std::string(value) + "\"/>";
}

TEST(SwitchConf, AppliesWhatMeansSomethingAndLogsTheRestAtDebug) {
  Runtime rt(std::make_unique<SimulatedClock>(0));
  auto xml =
      load(settings("switch.conf",
                    param("max-sessions", "2") + param("sessions-per-second", "5") +
                        param("loglevel", "warning") + param("colorize-console", "false") +
                        param("min-idle-cpu", "25") + param("max-dtmf-duration", "9000") +
                        param("verbose-channel-events", "true") + param("rtp-start-port", "20000") +
                        param("max-db-handles", "50") + param("dump-cores", "yes")) +
           settings("post_load_switch.conf", param("sessions-per-second", "7")) +
           "<configuration name=\"modules.conf\"><modules><load module=\"mod_sofia\"/>"
           "<load module=\"mod_commands\"/></modules></configuration>");
  SwitchConfOutcome out = apply_switch_conf(*xml, rt);
  EXPECT_EQ(rt.sessions().max_sessions.load(), 2u);
  EXPECT_EQ(rt.sessions().max_sps.load(), 7u);  // post_load_switch.conf comes second
  EXPECT_EQ(out.loglevel, 4);
  EXPECT_EQ(out.colorize_console, false);
  EXPECT_DOUBLE_EQ(rt.settings().min_idle_cpu.load(), 25.0);
  EXPECT_EQ(rt.settings().max_dtmf_duration.load(), 9000u);
  EXPECT_TRUE(rt.settings().verbose_events.load());
  ASSERT_EQ(out.messages.size(), 3u);
  for (const auto& [level, text] : out.messages) EXPECT_EQ(level, LogLevel::kDebug) << text;
  EXPECT_EQ(out.messages[0].second,
            "switch.conf: param max-db-handles = '50' accepted, not used by eventswitch");
  EXPECT_EQ(out.messages[1].second,
            "switch.conf: param dump-cores = 'yes' accepted, not used by eventswitch");
  EXPECT_NE(out.messages[2].second.find("modules.conf: 2 <load> line(s)"), std::string::npos);
}

TEST(SwitchConf, ZeroAndInvalidValuesLeaveTheDefaults) {
  Runtime rt(std::make_unique<SimulatedClock>(0));
  auto xml =
      load(settings("switch.conf", param("max-sessions", "0") + param("sessions-per-second", "") +
                                       param("loglevel", "loud") + param("debug-level", "11")));
  SwitchConfOutcome out = apply_switch_conf(*xml, rt);
  EXPECT_EQ(rt.sessions().max_sessions.load(), 1000u);
  EXPECT_EQ(rt.sessions().max_sps.load(), 30u);
  EXPECT_FALSE(out.loglevel.has_value());
  EXPECT_EQ(rt.settings().debug_level.load(), 0);
}

}  // namespace
}  // namespace es::core
