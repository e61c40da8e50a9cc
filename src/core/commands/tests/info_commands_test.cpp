#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <regex>

#include "core/commands/command_groups.hpp"
#include "core/commands/tests/command_test_fixture.hpp"

namespace es::core::commands {
namespace {

class InfoCommandsTest : public CommandTest {};

TEST_F(InfoCommandsTest, StatusShape) {
  rt_.identity().start_epoch_us = kTestStartUs;
  clock_->advance_us(((3600 + 2 * 60 + 3) * 1000LL + 456) * 1000 + 789);
  auto& stats = rt_.sessions();
  stats.since_startup = 3;
  stats.peak = 2;
  stats.sps_peak = 1;
  rt_.idle_cpu = 98.7;
  std::string out = run("status");
  std::string expected =
      "UP 0 years, 0 days, 1 hour, 2 minutes, 3 seconds, 456 milliseconds, 789 microseconds\n"
      "FreeSWITCH (Version 1.11.3-dev  64bit) is ready\n"
      "3 session(s) since startup\n"
      "0 session(s) - peak 2, last 5min 0 \n"
      "0 session(s) per Sec out of max 30, peak 1, last 5min 0 \n"
      "1000 session(s) max\n"
      "min idle cpu 0.00/98.70\n";
  ASSERT_EQ(out.substr(0, expected.size()), expected);
  EXPECT_TRUE(std::regex_match(out.substr(expected.size()),
                               std::regex("Current Stack Size/Max -?[0-9]+K/-?[0-9]+K\n")));
}

// FreeSWITCH lowers its stack limit to 240K/8192K at startup when the hard limit allows.
TEST_F(InfoCommandsTest, StatusStackSizesAreFreeswitchs) {
  EXPECT_EQ(stack_size_line(8192 * 1024, RLIM_INFINITY, false),
            "Current Stack Size/Max 240K/8192K\n");
  EXPECT_EQ(stack_size_line(8192 * 1024, 65536ULL * 1024, false),
            "Current Stack Size/Max 240K/8192K\n");
  EXPECT_EQ(stack_size_line(1024 * 1024, 4096 * 1024, true), "Current Stack Size/Max 240K/8192K\n");
  // A lower hard limit that the process may not raise: the limits as they are.
  EXPECT_EQ(stack_size_line(1024 * 1024, 4096 * 1024, false),
            "Current Stack Size/Max 1024K/4096K\n");
  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_STACK, &limit), 0);
  std::string out = run("status");
  EXPECT_NE(out.find(stack_size_line(limit.rlim_cur, limit.rlim_max, ::geteuid() == 0)),
            std::string::npos);
}

TEST_F(InfoCommandsTest, StatusNotReadyWhenPausedOrShuttingDown) {
  rt_.settings().shutdown_requested = true;
  EXPECT_NE(run("status").find("is not ready\n"), std::string::npos);
}

TEST_F(InfoCommandsTest, Version) {
  EXPECT_EQ(run("version"), "FreeSWITCH Version 1.11.3-dev~64bit ( 64bit)\n");
  EXPECT_EQ(run("version", "short"), "1.11.3-dev\n");
  EXPECT_EQ(run("version", "xSHORTx"), "1.11.3-dev\n");
  EXPECT_EQ(run("version", "long"), "FreeSWITCH Version 1.11.3-dev~64bit (1.11.3-dev  64bit)\n");
}

TEST_F(InfoCommandsTest, Uptime) {
  rt_.identity().start_epoch_us = kTestStartUs;
  clock_->advance_us(90061001001LL);  // 1 day, 1 hour, 1 minute, 1.001001 seconds
  EXPECT_EQ(run("uptime"), "90061\n");
  EXPECT_EQ(run("uptime", "S"), "90061\n");
  EXPECT_EQ(run("uptime", "ms"), "90061001\n");
  // FreeSWITCH prints the 64-bit quotient with %u: only the low 32 bits appear.
  EXPECT_EQ(run("uptime", "us"), "4161655081\n");
  EXPECT_EQ(run("uptime", "minutes"), "1501\n");
  EXPECT_EQ(run("uptime", "h"), "25\n");
  EXPECT_EQ(run("uptime", "days"), "1\n");
  EXPECT_EQ(run("uptime", "weeks"),
            "-USAGE: [us|ms|s|m|h|d|microseconds|milliseconds|seconds|minutes|hours|days]\n");
}

TEST_F(InfoCommandsTest, Names) {
  rt_.identity().hostname = "box";
  rt_.identity().switchname = "";
  EXPECT_EQ(run("hostname"), "box");
  EXPECT_EQ(run("switchname"), "box");
  rt_.identity().switchname = "sw1";
  EXPECT_EQ(run("switchname"), "sw1");
}

TEST_F(InfoCommandsTest, BannerAndUuid) {
  std::string banner = run("banner");
  EXPECT_EQ(banner.substr(0, 65),
            "\n.=============================================================.\n");
  EXPECT_EQ(banner.substr(banner.size() - 65),
            ".=============================================================.\n\n");
  EXPECT_TRUE(
      std::regex_match(run("create_uuid"),
                       std::regex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")));
}

TEST_F(InfoCommandsTest, ModuleExists) {
  EXPECT_EQ(run("module_exists", "mod_commands"), "true");
  EXPECT_EQ(run("module_exists", "mod_nothing"), "false");
  EXPECT_EQ(run("module_exists", ""), "");
  rt_.interfaces().add(
      InterfaceEntry{.type = "application", .name = "park", .module = "mod_dptools"});
  EXPECT_EQ(run("module_exists", "mod_dptools"), "true");
}

}  // namespace
}  // namespace es::core::commands
