// The traits each core command declares where it is registered.
#include <algorithm>
#include <string>
#include <vector>

#include "core/commands/tests/command_test_fixture.hpp"

namespace es::core::commands {
namespace {

using CommandTraitsTest = CommandTest;

// The pure computations that the event socket runs on its event loop; every other core
// command may block and goes to the worker pool.
TEST_F(CommandTraitsTest, OnlyPureComputationsAreNonBlocking) {
  std::vector<std::string> quick;
  for (const auto& command : rt_.api().list()) {
    if (!command.may_block) quick.push_back(command.name);
  }
  std::vector<std::string> expected = {
      "banner",        "console_complete", "cond",   "create_uuid", "echo",
      "global_getvar", "global_setvar",    "help",   "hostname",    "log",
      "md5",           "module_exists",    "regex",  "show",        "status",
      "strftime",      "switchname",       "uptime", "uuid_exists", "version"};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(quick, expected);
}

TEST_F(CommandTraitsTest, FlagsAndModuleComeWithTheEntry) {
  const ApiCommand* version = rt_.api().find("Version");
  ASSERT_NE(version, nullptr);
  EXPECT_FALSE(version->may_block);
  EXPECT_EQ(version->module, "mod_commands");
  const ApiCommand* strftime = rt_.api().find("strftime");
  ASSERT_NE(strftime, nullptr);
  EXPECT_FALSE(strftime->may_block);
  EXPECT_EQ(strftime->module, "mod_dptools");
  for (std::string_view blocking : {"msleep", "sleep", "eval", "expand", "json", "fsctl"}) {
    const ApiCommand* command = rt_.api().find(blocking);
    ASSERT_NE(command, nullptr) << blocking;
    EXPECT_TRUE(command->may_block) << blocking;
    EXPECT_FALSE(command->has_async()) << blocking;
  }
}

}  // namespace
}  // namespace es::core::commands
