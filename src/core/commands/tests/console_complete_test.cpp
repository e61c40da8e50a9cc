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
  // status has no argument completions.
  EXPECT_EQ(run("console_complete", "status "), "\n\n\n\n");
  EXPECT_EQ(run("console_complete", "nothingmatches"), "\n\n\n\n");
  // '_' is a LIKE wildcard.
  EXPECT_EQ(run("console_complete", "m_5"), "\n\n[                 md5]\t\n\nwrite=3:md5 ");
}

// Word 2: FreeSWITCH's "complete add show ..." entries.
TEST_F(ConsoleCompleteTest, SecondWordOfShowListsItsSubCommands) {
  std::string reply = run("console_complete", "show ");
  EXPECT_TRUE(
      reply.starts_with("\n\n[             aliases]\t[                 api]\t"
                        "[         application]\t[       bridged_calls]\t\n"))
      << reply;
  EXPECT_NE(reply.find("[            channels]\t"), std::string::npos);
  EXPECT_NE(reply.find("[               timer]\t"), std::string::npos);
  EXPECT_TRUE(reply.ends_with("\n\n")) << reply;  // nothing in common to write
  EXPECT_EQ(run("console_complete", "show ch"),
            "\n\n[            channels]\t[                chat]\t\n\nwrite=2:cha");
  EXPECT_EQ(run("console_complete", "show chan"),
            "\n\n[            channels]\t\n\nwrite=4:channels ");
  // The length to erase counts from the first space of the run before the word, as in
  // FreeSWITCH (the replacement then takes the extra space away).
  EXPECT_EQ(run("console_complete", "show  CHAN"),
            "\n\n[            channels]\t\n\nwrite=5:channels ");
  EXPECT_EQ(run("console_complete", "c=7;show chXX"),
            "\n\n[            channels]\t[                chat]\t\n\nwrite=2:cha");
}

// Word 3: after a complete second word only entries with exactly that word count.
TEST_F(ConsoleCompleteTest, ThirdWordFollowsTheSecond) {
  EXPECT_EQ(run("console_complete", "show channels "),
            "\n\n[               count]\t\n\nwrite=0:count ");
  EXPECT_EQ(run("console_complete", "show channels c"),
            "\n\n[               count]\t\n\nwrite=1:count ");
  EXPECT_EQ(run("console_complete", "show calls "), "\n\n\n\n");
  EXPECT_EQ(run("console_complete", "show channels count "), "\n\n\n\n");
}

TEST_F(ConsoleCompleteTest, UuidCommandsCompleteLiveChannelUuids) {
  rt_.api().add(ApiCommand{.name = "uuid_kill"});
  rt_.api().add(ApiCommand{.name = "uuid_break"});
  channels_.rows = [](std::string_view subject) {
    std::vector<std::vector<std::string>> rows;
    if (subject == "channels") {
      rows.push_back({"b2c4-2", "inbound"});
      rows.push_back({"a1b2-1", "outbound"});
      rows.push_back({"b2c4-3", "outbound"});
    }
    return rows;
  };
  EXPECT_EQ(run("console_complete", "uuid_kill "),
            "\n\n[              a1b2-1]\t[              b2c4-2]\t[              b2c4-3]\t"
            "\n\n");
  EXPECT_EQ(run("console_complete", "uuid_kill b"),
            "\n\n[              b2c4-2]\t[              b2c4-3]\t\n\nwrite=1:b2c4-");
  EXPECT_EQ(run("console_complete", "uuid_kill a"),
            "\n\n[              a1b2-1]\t\n\nwrite=1:a1b2-1 ");
  // Word 3 of uuid_break, after any uuid: its choices.
  EXPECT_EQ(run("console_complete", "uuid_break a1b2-1 "),
            "\n\n[                 all]\t[                both]\t\n\n");
  EXPECT_EQ(run("console_complete", "uuid_break a1b2-1 bo"),
            "\n\n[                both]\t\n\nwrite=2:both ");
  // A command this switch lacks offers nothing, although FreeSWITCH has entries for it.
  EXPECT_EQ(run("console_complete", "uuid_bridge "), "\n\n\n\n");
}

// mod_sofia's entries for the sub-commands answered here.
TEST_F(ConsoleCompleteTest, SofiaCompletesItsStatusSubCommands) {
  rt_.api().add(ApiCommand{.name = "sofia"});
  EXPECT_EQ(run("console_complete", "sofia "), "\n\n[              status]\t\n\nwrite=0:status ");
  EXPECT_EQ(run("console_complete", "sofia st"), "\n\n[              status]\t\n\nwrite=2:status ");
  EXPECT_EQ(run("console_complete", "sofia status "),
            "\n\n[             profile]\t\n\nwrite=0:profile ");
  // ::sofia::list_profiles has no counterpart: no profile names.
  EXPECT_EQ(run("console_complete", "sofia status profile "), "\n\n\n\n");
}

}  // namespace
}  // namespace es::core::commands
