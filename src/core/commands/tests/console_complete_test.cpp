#include "core/commands/tests/command_test_fixture.hpp"

namespace es::core::commands {
namespace {

class ConsoleCompleteTest : public CommandTest {};

TEST_F(ConsoleCompleteTest, SingleHitWritesTheWordAndASpace) {
  EXPECT_EQ(run("console_complete", "stat"), "\n\n[              status]\t\n\nwrite=4:status ");
  EXPECT_EQ(run("console_complete", "  STAT"), "\n\n[              status]\t\n\nwrite=4:status ");
}

TEST_F(ConsoleCompleteTest, SeveralHitsWriteTheCommonPrefix) {
  EXPECT_EQ(run("console_complete", "sh"),
            "\n\n[                show]\t[            shutdown]\t\n\nwrite=2:sh");
}

TEST_F(ConsoleCompleteTest, EveryFourthHitEndsALine) {
  rt_.api().add(ApiCommand{.name = "zz1"});
  rt_.api().add(ApiCommand{.name = "zz2"});
  rt_.api().add(ApiCommand{.name = "zz3"});
  rt_.api().add(ApiCommand{.name = "zz4"});
  rt_.api().add(ApiCommand{.name = "zz5"});
  EXPECT_EQ(run("console_complete", "zz"),
            "\n\n[                 zz1]\t[                 zz2]\t[                 zz3]\t"
            "[                 zz4]\t\n[                 zz5]\t\n\nwrite=2:zz");
}

TEST_F(ConsoleCompleteTest, CursorFormAndArguments) {
  EXPECT_EQ(run("console_complete", "c=3;statu"),
            "\n\n[              status]\t\n\nwrite=3:status ");
  // Past the first word nothing completes (no argument completions are registered).
  EXPECT_EQ(run("console_complete", "status "), "\n\n\n\n");
  EXPECT_EQ(run("console_complete", "nothingmatches"), "\n\n\n\n");
  // '_' is a LIKE wildcard.
  EXPECT_EQ(run("console_complete", "m_5"), "\n\n[                 md5]\t\n\nwrite=3:md5 ");
}

}  // namespace
}  // namespace es::core::commands
