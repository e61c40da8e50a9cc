#include "core/commands/tests/command_test_fixture.hpp"

namespace es::core::commands {
namespace {

constexpr std::string_view kCtlSyntax =
    "[api_expansion [on|off]|recover|send_sighup|hupall|pause [inbound|outbound]|resume "
    "[inbound|outbound]|shutdown [cancel|elegant|asap|now|restart]|uuid_version [4|7]|sps|"
    "sps_peak_reset|sync_clock|sync_clock_when_idle|reclaim_mem|max_sessions|min_dtmf_duration "
    "[num]|max_dtmf_duration [num]|default_dtmf_duration [num]|min_idle_cpu|loglevel "
    "[level]|debug_level [level]|mdns_resolve [enable|disable]]";

class ControlCommandsTest : public CommandTest {};

TEST_F(ControlCommandsTest, UsageAndUnknown) {
  EXPECT_EQ(run("fsctl"), "-USAGE: " + std::string(kCtlSyntax) + "\n");
  EXPECT_EQ(run("fsctl", "bogus"),
            "-ERR Invalid command\nUSAGE: fsctl " + std::string(kCtlSyntax) + "\n");
  EXPECT_EQ(run("fsctl", "mdns_resolve"),
            "-ERR Invalid command\nUSAGE: fsctl " + std::string(kCtlSyntax) + "\n");
  EXPECT_EQ(run("fsctl", "mdns_resolve enable"), "+OK\n");
}

TEST_F(ControlCommandsTest, Loglevel) {
  EXPECT_EQ(run("fsctl", "loglevel info"), "+OK log level: INFO [6]\n");
  EXPECT_EQ(rt_.console_log_level.load(), 6);
  EXPECT_EQ(run("fsctl", "loglevel 9"), "+OK log level: DEBUG [7]\n");
  EXPECT_EQ(run("fsctl", "loglevel ERR"), "+OK log level: ERR [3]\n");
  EXPECT_EQ(run("fsctl", "loglevel error"), "-ERR syntax error, log level not set!\n");
  EXPECT_EQ(run("fsctl", "loglevel"), "+OK log level: DISABLE [-1]\n");
}

TEST_F(ControlCommandsTest, SessionLimits) {
  EXPECT_EQ(run("fsctl", "max_sessions"), "+OK max sessions: 1000\n");
  EXPECT_EQ(run("fsctl", "max_sessions 20"), "+OK max sessions: 20\n");
  EXPECT_EQ(rt_.sessions().max_sessions.load(), 20u);
  EXPECT_EQ(run("fsctl", "sps"), "+OK sessions per second: 30\n");
  EXPECT_EQ(run("fsctl", "sps 50"), "+OK sessions per second: 50\n");
  rt_.sessions().sps_peak = 9;
  EXPECT_EQ(run("fsctl", "sps_peak_reset"), "+OK max sessions per second counter reset\n");
  EXPECT_EQ(rt_.sessions().sps_peak.load(), 0u);
  EXPECT_EQ(run("fsctl", "last_sps"), "+OK last sessions per second: 0\n");
}

TEST_F(ControlCommandsTest, PauseAndResume) {
  EXPECT_EQ(run("fsctl", "pause_check"), "false");
  EXPECT_EQ(run("fsctl", "pause inbound"), "+OK\n");
  EXPECT_EQ(run("fsctl", "pause_check inbound"), "true");
  EXPECT_EQ(run("fsctl", "pause_check"), "false");
  EXPECT_FALSE(rt_.sessions().accepting.load());
  EXPECT_EQ(run("fsctl", "pause"), "+OK\n");
  EXPECT_EQ(run("fsctl", "pause_check"), "true");
  EXPECT_EQ(run("fsctl", "ready_check"), "false");
  EXPECT_EQ(run("fsctl", "resume"), "+OK\n");
  EXPECT_EQ(run("fsctl", "ready_check"), "true");
  EXPECT_TRUE(rt_.sessions().accepting.load());
}

TEST_F(ControlCommandsTest, Shutdown) {
  int requests = 0;
  process_.shutdown = [&] { ++requests; };
  EXPECT_EQ(run("fsctl", "shutdown_check"), "false");
  EXPECT_EQ(run("fsctl", "shutdown cancel"), "+OK\n");
  EXPECT_EQ(requests, 0);
  EXPECT_EQ(run("fsctl", "shutdown elegant"), "+OK\n");
  EXPECT_EQ(requests, 1);
  EXPECT_EQ(run("fsctl", "shutdown_check"), "true");
  EXPECT_EQ(run("shutdown"), "+OK\n");
  EXPECT_EQ(run("..."), "+OK\n");
  EXPECT_EQ(requests, 3);
}

TEST_F(ControlCommandsTest, Flags) {
  EXPECT_EQ(run("fsctl", "verbose_events"), "+OK verbose_events is off \n");
  EXPECT_EQ(run("fsctl", "verbose_events on"), "+OK verbose_events is on \n");
  EXPECT_EQ(run("fsctl", "api_expansion"), "+OK api_expansion is on \n");
  EXPECT_EQ(run("fsctl", "threaded_system_exec yes"), "+OK threaded_system_exec is true \n");
  EXPECT_EQ(run("fsctl", "debug_sql"), "+OK SQL DEBUG [on]\n");
  EXPECT_EQ(run("fsctl", "debug_sql"), "+OK SQL DEBUG [off]\n");
}

TEST_F(ControlCommandsTest, Numbers) {
  EXPECT_EQ(run("fsctl", "min_idle_cpu"), "+OK min idle cpu: DISABLED\n");
  EXPECT_EQ(run("fsctl", "min_idle_cpu 12.5"), "+OK min idle cpu: 12.50%\n");
  EXPECT_EQ(run("fsctl", "debug_level"), "+OK DEBUG level: 0\n");
  EXPECT_EQ(run("fsctl", "debug_level 42"), "+OK DEBUG level: 10\n");
  EXPECT_EQ(run("fsctl", "min_dtmf_duration"), "+OK min dtmf duration: 400\n");
  EXPECT_EQ(run("fsctl", "max_dtmf_duration 10"), "+OK max dtmf duration: 400\n");
  EXPECT_EQ(run("fsctl", "default_dtmf_duration 999999"), "+OK default dtmf duration: 192000\n");
  EXPECT_EQ(run("fsctl", "max_dtmf_duration"), "+OK max dtmf duration: 192000\n");
  EXPECT_EQ(run("fsctl", "uuid_version 7"), "+OK set uuid version: 7\n");
}

TEST_F(ControlCommandsTest, Others) {
  int hangups = 0;
  channels_.hangup = [&] { ++hangups; };
  EXPECT_EQ(run("fsctl", "hupall"), "+OK\n");
  EXPECT_EQ(hangups, 1);
  EXPECT_EQ(run("fsctl", "recover"), "+OK 0 session(s) recovered in total\n");
  EXPECT_EQ(run("fsctl", "recover flush"), "+OK flushed\n");
  EXPECT_EQ(run("fsctl", "reclaim_mem"), "+OK\n");
  EXPECT_EQ(run("fsctl", "sync_clock"), "+OK clock synchronized\n");
  EXPECT_EQ(run("fsctl", "sync_clock_when_idle"), "+OK clock synchronized\n");
  rt_.sessions().active = 1;
  EXPECT_EQ(run("fsctl", "sync_clock_when_idle"),
            "+OK clock will synchronize when there are no more calls\n");
}

TEST_F(ControlCommandsTest, SleepAndReload) {
  EXPECT_EQ(run("msleep", "1"), "+OK");
  EXPECT_EQ(run("sleep", ""), "+OK");
  EXPECT_EQ(run("reloadxml"), "+OK [Success]\n");
  process_.reload = [] { return std::string("bad file"); };
  EXPECT_EQ(run("reloadxml"), "+OK [bad file]\n");
}

}  // namespace
}  // namespace es::core::commands
