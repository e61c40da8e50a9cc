#include "protocol/message_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "protocol/frames.hpp"

namespace es::protocol {
namespace {

using namespace std::string_literals;
using Fields = std::vector<std::pair<std::string, std::string>>;

struct Outcome {
  ParseStatus status = ParseStatus::kNeedMore;
  Fields headers;
  std::string body;
  bool operator==(const Outcome&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  os << "{status=" << static_cast<int>(o.status) << " headers={";
  for (const auto& [name, value] : o.headers) os << "[" << name << "]=[" << value << "] ";
  return os << "} body=[" << o.body << "]}";
}

Fields fields_of(const Message& message) {
  Fields fields;
  for (const HeaderField& field : message.headers) fields.emplace_back(field.name, field.value);
  return fields;
}

// Drains every available outcome. An error is final, so it is recorded once.
void drain(MessageParser& parser, std::vector<Outcome>& outcomes) {
  if (!outcomes.empty() && outcomes.back().status == ParseStatus::kBodyTooLarge) return;
  Message message;
  for (;;) {
    ParseStatus status = parser.next(message);
    if (status == ParseStatus::kNeedMore) return;
    if (status == ParseStatus::kPacket) {
      outcomes.push_back(Outcome{status, fields_of(message), message.body});
    } else {
      outcomes.push_back(Outcome{status, {}, {}});
      return;
    }
  }
}

std::vector<Outcome> parse_whole(std::string_view input, bool decode = false,
                                 ParserLimits limits = {}) {
  MessageParser parser(limits, decode);
  std::vector<Outcome> outcomes;
  parser.feed(input);
  drain(parser, outcomes);
  return outcomes;
}

Outcome message(Fields headers, std::string body = {}) {
  return Outcome{ParseStatus::kPacket, std::move(headers), std::move(body)};
}

const Outcome kTooLarge{ParseStatus::kBodyTooLarge, {}, {}};

TEST(MessageParser, CommandReply) {
  EXPECT_EQ(
      parse_whole(command_reply("+OK accepted")),
      std::vector{message({{"Content-Type", "command/reply"}, {"Reply-Text", "+OK accepted"}})});
}

TEST(MessageParser, ApiResponseBodyIsNotParsed) {
  EXPECT_EQ(parse_whole(api_response("A: b\n\nc\n")),
            std::vector{message({{"Content-Type", "api/response"}, {"Content-Length", "8"}},
                                "A: b\n\nc\n")});
}

TEST(MessageParser, BodyKeepsNulBytes) {
  std::string body = "a\0b"s;
  EXPECT_EQ(
      parse_whole(api_response(body)),
      std::vector{message({{"Content-Type", "api/response"}, {"Content-Length", "3"}}, body)});
}

TEST(MessageParser, CrlfIsTolerated) {
  EXPECT_EQ(parse_whole("Content-Type: api/response\r\nContent-Length: 2\r\n\r\nokX: y\r\n\r\n"),
            (std::vector{message({{"Content-Type", "api/response"}, {"Content-Length", "2"}}, "ok"),
                         message({{"X", "y"}})}));
}

TEST(MessageParser, FieldSyntax) {
  EXPECT_EQ(parse_whole("A:  \t spaced\nB:\nC: x: y\nno colon\nUser-Data: \n\n"),
            std::vector{message({{"A", "spaced"}, {"B", ""}, {"C", "x: y"}, {"User-Data", ""}})});
}

TEST(MessageParser, LeadingBlankLinesAreSkipped) {
  EXPECT_EQ(parse_whole("\n\r\nContent-Type: auth/request\n\n"),
            std::vector{message({{"Content-Type", "auth/request"}})});
}

TEST(MessageParser, ValuesAreDecodedOnlyWhenAsked) {
  std::string input = "Reply-Text: %2BOK%0A\nEvent-Name: CHANNEL_DATA\n\n";
  EXPECT_EQ(parse_whole(input, false),
            std::vector{message({{"Reply-Text", "%2BOK%0A"}, {"Event-Name", "CHANNEL_DATA"}})});
  EXPECT_EQ(parse_whole(input, true),
            std::vector{message({{"Reply-Text", "+OK\n"}, {"Event-Name", "CHANNEL_DATA"}})});
}

TEST(MessageParser, ContentType) {
  MessageParser parser;
  parser.feed(event_frame(EventFormat::kJson, "{}"));
  Message out;
  ASSERT_EQ(parser.next(out), ParseStatus::kPacket);
  EXPECT_EQ(out.content_type(), "text/event-json");
  EXPECT_EQ(out.body, "{}");
  EXPECT_EQ(Message{}.content_type(), "");
}

TEST(MessageParser, ContentLengthLimits) {
  EXPECT_EQ(parse_whole("Content-Length: -1\n\n"), std::vector{kTooLarge});
  EXPECT_EQ(parse_whole("Content-Length: 16777217\n\n"), std::vector{kTooLarge});
  ParserLimits limits;
  limits.max_body = 3;
  EXPECT_EQ(parse_whole("content-length: 3\n\nabc", false, limits),
            std::vector{message({{"content-length", "3"}}, "abc")});
  EXPECT_EQ(parse_whole("content-length: 4\n\nabcd", false, limits), std::vector{kTooLarge});
}

TEST(MessageParser, ErrorIsFinal) {
  MessageParser parser;
  parser.feed("Content-Length: -3\n\n");
  Message out;
  EXPECT_EQ(parser.next(out), ParseStatus::kBodyTooLarge);
  parser.feed(command_reply("+OK"));
  EXPECT_EQ(parser.next(out), ParseStatus::kBodyTooLarge);
  EXPECT_EQ(parser.buffered_bytes(), 0u);
}

TEST(MessageParser, HeaderBlockCap) {
  ParserLimits limits;
  limits.max_header_block = 8;
  EXPECT_EQ(parse_whole("A: 123456789\n\n", false, limits),
            (std::vector{message({{"A", "12345"}}), message({}) /* "6789\n\n" has no colon */}));
}

std::string server_stream() {
  LogFrameFields log;
  log.file = "f.c";
  log.function = "fn";
  log.line = 9;
  return std::string(kAuthRequest) + command_reply("+OK accepted") +
         command_reply_with_headers("Reply-Text: +OK Job-UUID: j\nJob-UUID: j\n") +
         api_response("line1\nline2\n") +
         event_frame(EventFormat::kPlain, "Event-Name: HEARTBEAT\nX: a%20b\n\n") +
         log_frame(log, "log text\n") + linger_notice("u", "chan", 5) +
         disconnect_notice(kGoodbyeText, "u") + std::string(kRudeRejection);
}

TEST(MessageParser, EveryFrameBuilderParsesBack) {
  std::vector<Outcome> whole = parse_whole(server_stream());
  ASSERT_EQ(whole.size(), 9u);
  EXPECT_EQ(whole[0], message({{"Content-Type", "auth/request"}}));
  EXPECT_EQ(whole[2], message({{"Content-Type", "command/reply"},
                               {"Reply-Text", "+OK Job-UUID: j"},
                               {"Job-UUID", "j"}}));
  EXPECT_EQ(whole[3].body, "line1\nline2\n");
  EXPECT_EQ(whole[4].body, "Event-Name: HEARTBEAT\nX: a%20b\n\n");
  EXPECT_EQ(whole[5].body, "log text\n");
  EXPECT_EQ(whole[5].headers[7], (std::pair<std::string, std::string>{"User-Data", ""}));
  EXPECT_EQ(whole[6].headers.back(), (std::pair<std::string, std::string>{"Content-Length", "0"}));
  EXPECT_EQ(whole[6].body, "");
  EXPECT_EQ(whole[7].body, kGoodbyeText);
  EXPECT_EQ(whole[8].body, "Access Denied, go away.\n");
}

TEST(MessageParser, EveryFragmentSizeGivesTheSameResult) {
  std::string input = server_stream();
  std::vector<Outcome> whole = parse_whole(input);
  for (std::size_t fragment = 1; fragment <= input.size(); ++fragment) {
    MessageParser parser;
    std::vector<Outcome> outcomes;
    for (std::size_t pos = 0; pos < input.size(); pos += fragment) {
      parser.feed(std::string_view(input).substr(pos, fragment));
      drain(parser, outcomes);
    }
    ASSERT_EQ(outcomes, whole) << "fragment size " << fragment;
    EXPECT_EQ(parser.buffered_bytes(), 0u);
  }
}

TEST(ParseHeaderBlock, EventPlainBodyWithInnerBody) {
  Message inner = parse_header_block(
      "Event-Name: CUSTOM\nEvent-Subclass: my%3A%3Aevent\nContent-Length: 11\n\nhello\nworld",
      true);
  EXPECT_EQ(fields_of(inner), (Fields{{"Event-Name", "CUSTOM"},
                                      {"Event-Subclass", "my::event"},
                                      {"Content-Length", "11"}}));
  EXPECT_EQ(inner.body, "hello\nworld");
}

TEST(ParseHeaderBlock, NoContentLengthMeansNoBody) {
  Message inner = parse_header_block("Event-Name: HEARTBEAT\nUp-Time: 0%20years\n\n", false);
  EXPECT_EQ(fields_of(inner), (Fields{{"Event-Name", "HEARTBEAT"}, {"Up-Time", "0%20years"}}));
  EXPECT_EQ(inner.body, "");
  Message trailing = parse_header_block("A: 1\n\nignored", false);
  EXPECT_EQ(trailing.body, "");
}

TEST(ParseHeaderBlock, CrlfAndMissingFinalNewline) {
  Message inner = parse_header_block("A: 1\r\nB: 2", false);
  EXPECT_EQ(fields_of(inner), (Fields{{"A", "1"}, {"B", "2"}}));
  Message empty = parse_header_block("", true);
  EXPECT_TRUE(empty.headers.empty());
  EXPECT_EQ(empty.body, "");
}

}  // namespace
}  // namespace es::protocol
