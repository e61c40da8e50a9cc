#include "apps/escli/console_commands.hpp"

#include <gtest/gtest.h>

#include "apps/escli/completion.hpp"

namespace es::apps::escli {
namespace {

using Kind = ConsoleCommandKind;

TEST(ConsoleLine, ApiLinesAndSlashCommands) {
  EXPECT_EQ(parse_console_line("   ").kind, Kind::kEmpty);
  ConsoleCommand api = parse_console_line("  show channels  ");
  EXPECT_EQ(api.kind, Kind::kApi);
  EXPECT_EQ(api.argument, "show channels");
  EXPECT_EQ(parse_console_line("/help").kind, Kind::kHelp);
  for (const char* quit : {"/exit", "/quit", "/bye", "/EXIT", "...", "/..."}) {
    EXPECT_EQ(parse_console_line(quit).kind, Kind::kQuit) << quit;
  }
  ConsoleCommand event = parse_console_line("/event  json CHANNEL_CREATE  ");
  EXPECT_EQ(event.kind, Kind::kEvent);
  EXPECT_EQ(event.word, "event");
  EXPECT_EQ(event.argument, "json CHANNEL_CREATE");
  EXPECT_EQ(parse_console_line("/noevents").kind, Kind::kNoEvents);
  EXPECT_EQ(parse_console_line("/nixevent HEARTBEAT").kind, Kind::kNixEvent);
  EXPECT_EQ(parse_console_line("/log info").kind, Kind::kLog);
  EXPECT_EQ(parse_console_line("/nolog").kind, Kind::kNoLog);
  EXPECT_EQ(parse_console_line("/filter Event-Name X").kind, Kind::kFilter);
  EXPECT_EQ(parse_console_line("/uuid abc").kind, Kind::kUuid);
  EXPECT_EQ(parse_console_line("/logfilter abc").kind, Kind::kLogFilter);
  ConsoleCommand unknown = parse_console_line("/events ALL");
  EXPECT_EQ(unknown.kind, Kind::kUnknown);
  EXPECT_EQ(unknown.word, "events");
}

TEST(ConsoleLine, EventAndFilterArguments) {
  EventRequest plain = parse_event_request("CHANNEL_CREATE CHANNEL_ANSWER");
  EXPECT_EQ(plain.format, protocol::EventFormat::kPlain);
  EXPECT_EQ(plain.events, "CHANNEL_CREATE CHANNEL_ANSWER");
  EventRequest json = parse_event_request("JSON ALL");
  EXPECT_EQ(json.format, protocol::EventFormat::kJson);
  EXPECT_EQ(json.events, "ALL");
  EXPECT_EQ(parse_event_request("xml").events, "");

  FilterRequest add = parse_filter_request("Event-Name CUSTOM sub");
  EXPECT_FALSE(add.remove);
  EXPECT_EQ(add.header, "Event-Name");
  EXPECT_EQ(add.value, "CUSTOM sub");
  FilterRequest remove = parse_filter_request("delete Unique-ID");
  EXPECT_TRUE(remove.remove);
  EXPECT_EQ(remove.header, "Unique-ID");
  EXPECT_EQ(remove.value, "");
}

TEST(Completion, RequestCarriesTheCursorOnlyWhenNotAtTheEnd) {
  EXPECT_EQ(completion_request("sho", 3), "console_complete sho");
  EXPECT_EQ(completion_request("", 0), "console_complete ");
  EXPECT_EQ(completion_request("show chan", 4), "console_complete c=4;show");
}

TEST(Completion, ReplyWithOneMatchReplacesTheWord) {
  CompletionEdit edit = parse_completion_reply("\n\n[                show]\t\n\nwrite=3:show ");
  EXPECT_EQ(edit.listing, "\n[                show]\t\n");
  EXPECT_EQ(edit.erase, 3u);
  EXPECT_EQ(edit.insert, "show ");
}

TEST(Completion, ReplyWithSeveralMatchesExtendsToTheCommonPrefix) {
  CompletionEdit edit = parse_completion_reply(
      "\n\n[           uuid_kill]\t[         uuid_killer]\t\n\nwrite=6:uuid_kill");
  EXPECT_EQ(edit.erase, 6u);
  EXPECT_EQ(edit.insert, "uuid_kill");
  EXPECT_EQ(edit.listing, "\n[           uuid_kill]\t[         uuid_killer]\t\n");
}

TEST(Completion, ReplyWithoutMatchesOrMalformedWriteChangesNothing) {
  CompletionEdit none = parse_completion_reply("\n\n\n\n");
  EXPECT_EQ(none.listing, "");
  EXPECT_EQ(none.erase, 0u);
  EXPECT_EQ(none.insert, "");
  CompletionEdit bad = parse_completion_reply("\n\nx\n\nwrite=abc");
  EXPECT_EQ(bad.erase, 0u);
  EXPECT_EQ(bad.insert, "");
  EXPECT_EQ(bad.listing, "\nx\n");
}

TEST(Completion, SlashCommandsCompleteInEscli) {
  auto edit = complete_slash_command("/ex", 3);
  ASSERT_TRUE(edit.has_value());
  EXPECT_EQ(edit->listing, "\n[               /exit]\t\n");
  EXPECT_EQ(edit->erase, 3u);
  EXPECT_EQ(edit->insert, "/exit ");
  edit = complete_slash_command("  /NO", 5);  // any case, after leading spaces
  ASSERT_TRUE(edit.has_value());
  EXPECT_EQ(edit->listing, "\n[           /noevents]\t[              /nolog]\t\n");
  EXPECT_EQ(edit->erase, 3u);
  EXPECT_EQ(edit->insert, "/no");
  edit = complete_slash_command("/", 1);  // every command, four to a line, sorted
  ASSERT_TRUE(edit.has_value());
  EXPECT_TRUE(
      edit->listing.starts_with("\n[                /bye]\t[              /event]\t"
                                "[               /exit]\t[             /filter]\t\n"))
      << edit->listing;
  EXPECT_NE(edit->listing.find("[          /logfilter]\t"), std::string::npos);
  EXPECT_EQ(edit->insert, "/");
  edit = complete_slash_command("/zz", 3);  // no match: nothing happens
  ASSERT_TRUE(edit.has_value());
  EXPECT_EQ(edit->listing, "");
  EXPECT_EQ(edit->erase, 0u);
  // The cursor in the first word: "/lo|g x" completes "/lo".
  edit = complete_slash_command("/log x", 3);
  ASSERT_TRUE(edit.has_value());
  EXPECT_EQ(edit->insert, "/log");
  // Past a slash command's first word, and api lines, are not escli's.
  EXPECT_FALSE(complete_slash_command("/log de", 7).has_value());
  EXPECT_FALSE(complete_slash_command("show", 4).has_value());
}

TEST(Completion, LineRoutesSlashCommandsLocallyAndTheRestToTheSwitch) {
  std::vector<std::string> asked;
  auto ask = [&](const std::string& command) {
    asked.push_back(command);
    return std::string("\n\n[              a1b2-1]\t[              b2c4-2]\t\n\n");
  };
  CompletionEdit edit = complete_line("uuid_kill ", 10, ask);
  EXPECT_EQ(edit.listing, "\n[              a1b2-1]\t[              b2c4-2]\t\n");
  EXPECT_EQ(edit.erase, 0u);
  edit = complete_line("/hel", 4, ask);
  EXPECT_EQ(edit.insert, "/help ");
  EXPECT_EQ(asked, std::vector<std::string>{"console_complete uuid_kill "});
}

}  // namespace
}  // namespace es::apps::escli
