#include "protocol/frames.hpp"

#include <gtest/gtest.h>

#include <string>

namespace es::protocol {
namespace {

TEST(Frames, FormatNamesRoundTrip) {
  EXPECT_EQ(format_name(EventFormat::kPlain), "plain");
  EXPECT_EQ(format_name(EventFormat::kJson), "json");
  EXPECT_EQ(format_name(EventFormat::kXml), "xml");
  EXPECT_EQ(parse_format("plain"), EventFormat::kPlain);
  EXPECT_EQ(parse_format("JSON"), EventFormat::kJson);
  EXPECT_EQ(parse_format("Xml"), EventFormat::kXml);
  EXPECT_EQ(parse_format("xmll"), std::nullopt);
  EXPECT_EQ(parse_format(""), std::nullopt);
  EXPECT_EQ(parse_format("ALL"), std::nullopt);
}

TEST(Frames, FixedMessages) {
  EXPECT_EQ(kAuthRequest, "Content-Type: auth/request\n\n");
  EXPECT_EQ(kRudeRejection,
            "Content-Type: text/rude-rejection\nContent-Length: 24\n\nAccess Denied, go away.\n");
  EXPECT_EQ(std::string_view("Access Denied, go away.\n").size(), 24u);
}

TEST(Frames, DisconnectTextsAndLengths) {
  EXPECT_EQ(kGoodbyeText, "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n");
  EXPECT_EQ(kGoodbyeText.size(), 67u);
  EXPECT_EQ(kShutdownText, "The system is being shut down.\n");
  EXPECT_EQ(kShutdownText.size(), 31u);
  EXPECT_EQ(kLostEventsText, "killed listener because of lost events\n");
  EXPECT_EQ(kLostEventsText.size(), 39u);
  EXPECT_EQ(kLostLogsText, "killed listener because of lost log lines\n");
  EXPECT_EQ(kLostLogsText.size(), 42u);
  EXPECT_EQ(kDefaultDisconnectText, "Disconnected.\n");
  EXPECT_EQ(kDefaultDisconnectText.size(), 14u);
}

TEST(Frames, CommandReply) {
  EXPECT_EQ(command_reply("+OK accepted"),
            "Content-Type: command/reply\nReply-Text: +OK accepted\n\n");
  EXPECT_EQ(command_reply(""), "Content-Type: command/reply\nReply-Text: \n\n");
}

TEST(Frames, CommandReplyTruncatesTo511Bytes) {
  std::string text = "+OK " + std::string(600, 'v');
  std::string expected = "Content-Type: command/reply\nReply-Text: " + text.substr(0, 511) + "\n\n";
  EXPECT_EQ(command_reply(text), expected);
  std::string exact(511, 'x');
  EXPECT_EQ(command_reply(exact), "Content-Type: command/reply\nReply-Text: " + exact + "\n\n");
}

TEST(Frames, CommandReplyWithHeaders) {
  EXPECT_EQ(command_reply_with_headers("Reply-Text: +OK Job-UUID: 1-2\nJob-UUID: 1-2\n"),
            "Content-Type: command/reply\nReply-Text: +OK Job-UUID: 1-2\nJob-UUID: 1-2\n\n");
}

TEST(Frames, ApiResponse) {
  EXPECT_EQ(api_response("+OK\n"), "Content-Type: api/response\nContent-Length: 4\n\n+OK\n");
  EXPECT_EQ(api_response(""), "Content-Type: api/response\nContent-Length: 0\n\n");
  std::string big(123456, 'z');
  EXPECT_EQ(api_response(big), "Content-Type: api/response\nContent-Length: 123456\n\n" + big);
}

TEST(Frames, EventFramePutsContentLengthFirst) {
  EXPECT_EQ(event_frame(EventFormat::kPlain, "Event-Name: HEARTBEAT\n\n"),
            "Content-Length: 23\nContent-Type: text/event-plain\n\nEvent-Name: HEARTBEAT\n\n");
  EXPECT_EQ(event_frame(EventFormat::kJson, "{}"),
            "Content-Length: 2\nContent-Type: text/event-json\n\n{}");
  EXPECT_EQ(event_frame(EventFormat::kXml, ""),
            "Content-Length: 0\nContent-Type: text/event-xml\n\n");
}

TEST(Frames, AppendEventFrameKeepsWhatIsThere) {
  std::string out = "prefix|";
  append_event_frame(out, EventFormat::kJson, "{\"a\":\"b\"}");
  append_event_frame(out, EventFormat::kPlain, "x");
  EXPECT_EQ(out,
            "prefix|Content-Length: 9\nContent-Type: text/event-json\n\n{\"a\":\"b\"}"
            "Content-Length: 1\nContent-Type: text/event-plain\n\nx");
}

TEST(Frames, LogFrame) {
  LogFrameFields fields;
  fields.level = 4;
  fields.text_channel = 3;
  fields.file = "switch_core.c";
  fields.function = "switch_core_init";
  fields.line = 1234;
  fields.user_data = "5c1f6f9a-0000-4000-8000-000000000001";
  EXPECT_EQ(log_frame(fields, "hello\n"),
            "Content-Type: log/data\nContent-Length: 6\nLog-Level: 4\nText-Channel: 3\n"
            "Log-File: switch_core.c\nLog-Func: switch_core_init\nLog-Line: 1234\n"
            "User-Data: 5c1f6f9a-0000-4000-8000-000000000001\n\nhello\n");
}

TEST(Frames, LogFrameWithoutSessionHasEmptyUserData) {
  LogFrameFields fields;
  fields.file = "f.c";
  fields.function = "fn";
  fields.line = -1;
  EXPECT_EQ(log_frame(fields, ""),
            "Content-Type: log/data\nContent-Length: 0\nLog-Level: 7\nText-Channel: 0\n"
            "Log-File: f.c\nLog-Func: fn\nLog-Line: -1\nUser-Data: \n\n");
}

TEST(Frames, DisconnectNoticeWithoutSession) {
  EXPECT_EQ(disconnect_notice(kGoodbyeText),
            "Content-Type: text/disconnect-notice\nContent-Length: 67\n\n"
            "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n");
  EXPECT_EQ(disconnect_notice(kShutdownText),
            "Content-Type: text/disconnect-notice\nContent-Length: 31\n\n"
            "The system is being shut down.\n");
  EXPECT_EQ(disconnect_notice(kLostEventsText),
            "Content-Type: text/disconnect-notice\nContent-Length: 39\n\n"
            "killed listener because of lost events\n");
  EXPECT_EQ(disconnect_notice(kLostLogsText),
            "Content-Type: text/disconnect-notice\nContent-Length: 42\n\n"
            "killed listener because of lost log lines\n");
  EXPECT_EQ(disconnect_notice(""),
            "Content-Type: text/disconnect-notice\nContent-Length: 14\n\nDisconnected.\n");
}

TEST(Frames, DisconnectNoticeWithControlledSession) {
  EXPECT_EQ(disconnect_notice(kGoodbyeText, "0a1b"),
            "Content-Type: text/disconnect-notice\nControlled-Session-UUID: 0a1b\n"
            "Content-Disposition: disconnect\nContent-Length: 67\n\n"
            "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n");
  EXPECT_EQ(disconnect_notice("", "u"),
            "Content-Type: text/disconnect-notice\nControlled-Session-UUID: u\n"
            "Content-Disposition: disconnect\nContent-Length: 14\n\nDisconnected.\n");
}

TEST(Frames, LingerNotice) {
  EXPECT_EQ(linger_notice("0a1b", "sofia/internal/1000@example.com", 30),
            "Content-Type: text/disconnect-notice\nControlled-Session-UUID: 0a1b\n"
            "Content-Disposition: linger\nChannel-Name: sofia/internal/1000@example.com\n"
            "Linger-Time: 30\nContent-Length: 0\n\n");
  EXPECT_EQ(linger_notice("u", "loopback/x-a", -1),
            "Content-Type: text/disconnect-notice\nControlled-Session-UUID: u\n"
            "Content-Disposition: linger\nChannel-Name: loopback/x-a\n"
            "Linger-Time: -1\nContent-Length: 0\n\n");
}

}  // namespace
}  // namespace es::protocol
