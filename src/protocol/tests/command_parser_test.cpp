#include "protocol/command_parser.hpp"
#include "protocol/header_fields.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <utility>
#include <vector>

namespace es::protocol {
namespace {

using namespace std::string_literals;

// One observable outcome of next(): a packet, or the terminal error.
struct Outcome {
  ParseStatus status = ParseStatus::kNeedMore;
  std::string command;
  std::string raw;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool operator==(const Outcome&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  os << "{status=" << static_cast<int>(o.status) << " command=[" << o.command << "] raw=[" << o.raw
     << "] headers={";
  for (const auto& [name, value] : o.headers) os << "[" << name << "]=[" << value << "] ";
  return os << "} body=[" << o.body << "]}";
}

// Drains every available outcome. An error is final, so it is recorded once.
void drain(CommandParser& parser, std::vector<Outcome>& outcomes) {
  if (!outcomes.empty() && outcomes.back().status == ParseStatus::kBodyTooLarge) return;
  CommandPacket packet;
  for (;;) {
    ParseStatus status = parser.next(packet);
    if (status == ParseStatus::kNeedMore) return;
    Outcome outcome{status, {}, {}, {}, {}};
    if (status == ParseStatus::kPacket) {
      outcome.command = packet.command;
      outcome.raw = packet.raw;
      for (const HeaderField& field : packet.headers) {
        outcome.headers.emplace_back(field.name, field.value);
      }
      outcome.body = packet.body;
    }
    outcomes.push_back(std::move(outcome));
    if (status == ParseStatus::kBodyTooLarge) return;
  }
}

std::vector<Outcome> parse_whole(std::string_view input, ParserLimits limits = {}) {
  CommandParser parser(limits);
  std::vector<Outcome> outcomes;
  parser.feed(input);
  drain(parser, outcomes);
  return outcomes;
}

std::vector<Outcome> parse_in_fragments(std::string_view input, std::size_t fragment,
                                        ParserLimits limits = {}) {
  CommandParser parser(limits);
  std::vector<Outcome> outcomes;
  for (std::size_t pos = 0; pos < input.size(); pos += fragment) {
    parser.feed(input.substr(pos, fragment));
    drain(parser, outcomes);
  }
  return outcomes;
}

Outcome packet(std::string command, std::string raw,
               std::vector<std::pair<std::string, std::string>> headers = {},
               std::string body = {}) {
  return Outcome{ParseStatus::kPacket, std::move(command), std::move(raw), std::move(headers),
                 std::move(body)};
}

const Outcome kTooLarge{ParseStatus::kBodyTooLarge, {}, {}, {}, {}};

TEST(CommandParser, SimpleCommandWithLfTerminator) {
  EXPECT_EQ(parse_whole("api status\n\n"), std::vector{packet("api status", "api status\n\n")});
}

TEST(CommandParser, EveryTerminatorForm) {
  EXPECT_EQ(parse_whole("api status\r\n\r\n"),
            std::vector{packet("api status", "api status\r\n\r\n")});
  EXPECT_EQ(parse_whole("api status\n\r\n"), std::vector{packet("api status", "api status\n\r\n")});
  EXPECT_EQ(parse_whole("api status\r\n\n"), std::vector{packet("api status", "api status\r\n\n")});
  EXPECT_EQ(parse_whole("api status\n\r\r\r\n"),
            std::vector{packet("api status", "api status\n\r\r\r\n")});
}

TEST(CommandParser, AnyOtherByteBetweenLineFeedsResetsTheCount) {
  CommandParser parser;
  parser.feed("api status\n \nx\n\t\n");
  CommandPacket out;
  EXPECT_EQ(parser.next(out), ParseStatus::kNeedMore);
  EXPECT_TRUE(parser.mid_packet());
  parser.feed("\n");
  ASSERT_EQ(parser.next(out), ParseStatus::kPacket);
  EXPECT_EQ(out.command, "api status");
  EXPECT_EQ(out.raw, "api status\n \nx\n\t\n\n");
}

TEST(CommandParser, LeadingBlankLinesAreDiscarded) {
  EXPECT_EQ(parse_whole("\r\n\n\r\r\napi status\n\n"),
            std::vector{packet("api status", "api status\n\n")});
}

TEST(CommandParser, BlankLinesAloneProduceNothingAndAreNotMidPacket) {
  CommandParser parser;
  parser.feed("\r\n\n\n\r\n");
  EXPECT_FALSE(parser.mid_packet());
  CommandPacket out;
  EXPECT_EQ(parser.next(out), ParseStatus::kNeedMore);
  EXPECT_FALSE(parser.mid_packet());
  EXPECT_EQ(parser.buffered_bytes(), 0u);
}

TEST(CommandParser, HeaderLinesFollowTheCommandLine) {
  std::string input =
      "sendmsg 1234\ncall-command: execute\nexecute-app-name:   playback\n"
      "execute-app-arg: a:b: c \nno colon here\n\n";
  EXPECT_EQ(parse_whole(input), std::vector{packet("sendmsg 1234", input,
                                                   {{"call-command", "execute"},
                                                    {"execute-app-name", "playback"},
                                                    {"execute-app-arg", "a:b: c "}})});
}

TEST(CommandParser, EmptyValuesAreNotStored) {
  std::string input = "sendevent CUSTOM\nEmpty:\nSpaces:    \nKept: x\n\n";
  EXPECT_EQ(parse_whole(input), std::vector{packet("sendevent CUSTOM", input, {{"Kept", "x"}})});
}

TEST(CommandParser, OnlySpacesAreTrimmedAndNamesAreVerbatim) {
  std::string input = "cmd\nTab:\tvalue\nName : v\n:nameless\n\n";
  EXPECT_EQ(
      parse_whole(input),
      std::vector{packet("cmd", input, {{"Tab", "\tvalue"}, {"Name ", "v"}, {"", "nameless"}})});
}

TEST(CommandParser, CrlfLinesHaveTheirCrStripped) {
  std::string input = "sendmsg\r\nA: 1\r\nB: two words\r\n\r\n";
  EXPECT_EQ(parse_whole(input),
            std::vector{packet("sendmsg", input, {{"A", "1"}, {"B", "two words"}})});
}

TEST(CommandParser, MixedLineEndingsKeepEveryHeader) {
  // FreeSWITCH would lose "A: 1" here (its CR search); we deliberately do not.
  std::string input = "cmd\nA: 1\nB: 2\r\n\r\n";
  EXPECT_EQ(parse_whole(input), std::vector{packet("cmd", input, {{"A", "1"}, {"B", "2"}})});
}

TEST(CommandParser, LoneCrEndsALine) {
  std::string input = "cmd\rA: 1\rB: 2\n\n";
  EXPECT_EQ(parse_whole(input), std::vector{packet("cmd", input, {{"A", "1"}, {"B", "2"}})});
}

TEST(CommandParser, NulInHeaderBlockHidesTheRest) {
  std::string input = "api st\0atus\nFoo: bar\n\nnext\n\n"s;
  EXPECT_EQ(parse_whole(input),
            (std::vector{packet("api st", "api st"), packet("next", "next\n\n")}));
}

TEST(CommandParser, ContentLengthReadsABody) {
  std::string head = "sendevent CUSTOM\nContent-Length: 5\n\n";
  EXPECT_EQ(parse_whole(head + "hello"),
            std::vector{packet("sendevent CUSTOM", head, {{"Content-Length", "5"}}, "hello")});
}

TEST(CommandParser, ContentLengthNameIsCaseInsensitive) {
  std::string head = "sendevent CUSTOM\ncontent-LENGTH:   3\n\n";
  EXPECT_EQ(parse_whole(head + "abc"),
            std::vector{packet("sendevent CUSTOM", head, {{"content-LENGTH", "3"}}, "abc")});
}

TEST(CommandParser, BodyBytesAreNotParsedAsHeaders) {
  std::string head = "sendevent CUSTOM\nContent-Length: 12\n\n";
  std::string body = "X: 1\n\n\r\nY: 2";
  EXPECT_EQ(parse_whole(head + body + "\n\nnoevents\n\n"),
            (std::vector{packet("sendevent CUSTOM", head, {{"Content-Length", "12"}}, body),
                         packet("noevents", "noevents\n\n")}));
}

TEST(CommandParser, ContentLengthZeroMeansNoBody) {
  std::string head = "sendevent CUSTOM\nContent-Length: 0\n\n";
  EXPECT_EQ(parse_whole(head + "api status\n\n"),
            (std::vector{packet("sendevent CUSTOM", head, {{"Content-Length", "0"}}),
                         packet("api status", "api status\n\n")}));
}

TEST(CommandParser, BodyIsCutAtFirstNulButFullyConsumed) {
  std::string head = "sendevent CUSTOM\nContent-Length: 5\n\n";
  EXPECT_EQ(parse_whole(head + "ab\0cd"s + "exit\n\n"),
            (std::vector{packet("sendevent CUSTOM", head, {{"Content-Length", "5"}}, "ab"),
                         packet("exit", "exit\n\n")}));
}

TEST(CommandParser, ContentLengthUsesAtoiSemantics) {
  struct Case {
    std::string value;
    std::string body;
  };
  for (const Case& c : {Case{"3abc", "xyz"}, Case{"+2", "xy"}, Case{"\t 4", "wxyz"},
                        Case{"abc", ""}, Case{"-0", ""}, Case{"0007", "1234567"}}) {
    std::string head = "cmd\nContent-Length: " + c.value + "\n\n";
    EXPECT_EQ(parse_whole(head + c.body + "next\n\n"),
              (std::vector{packet("cmd", head, {{"Content-Length", c.value}}, c.body),
                           packet("next", "next\n\n")}))
        << c.value;
  }
}

TEST(CommandParser, EmptyContentLengthMeansNoBodyAndIsNotStored) {
  std::string head = "cmd\nContent-Length:\n\n";
  EXPECT_EQ(parse_whole(head + "next\n\n"),
            (std::vector{packet("cmd", head), packet("next", "next\n\n")}));
}

TEST(CommandParser, NegativeContentLengthIsRejected) {
  EXPECT_EQ(parse_whole("sendevent CUSTOM\nContent-Length: -1\n\nabc"), std::vector{kTooLarge});
}

TEST(CommandParser, ContentLengthOverTheLimitIsRejected) {
  EXPECT_EQ(parse_whole("cmd\nContent-Length: 16777217\n\n"), std::vector{kTooLarge});
  EXPECT_EQ(parse_whole("cmd\nContent-Length: 99999999999999999999999999\n\n"),
            std::vector{kTooLarge});
  // 2^32 + 1 would wrap to 1 through C's int conversion; here it saturates and is rejected.
  EXPECT_EQ(parse_whole("cmd\nContent-Length: 4294967297\n\nx"), std::vector{kTooLarge});
}

TEST(CommandParser, ContentLengthAtTheLimitWaitsForTheBody) {
  CommandParser parser;
  parser.feed("cmd\nContent-Length: 16777216\n\n");
  CommandPacket out;
  EXPECT_EQ(parser.next(out), ParseStatus::kNeedMore);
  EXPECT_TRUE(parser.mid_packet());
  // A 16 MiB body on purpose.
  parser.feed(std::string(16777216, 'b'));  // NOLINT(bugprone-string-constructor)
  ASSERT_EQ(parser.next(out), ParseStatus::kPacket);
  EXPECT_EQ(out.body.size(), 16777216u);
  EXPECT_FALSE(parser.mid_packet());
}

TEST(CommandParser, CustomBodyLimit) {
  ParserLimits limits;
  limits.max_body = 4;
  EXPECT_EQ(
      parse_whole("cmd\nContent-Length: 4\n\nabcd", limits),
      std::vector{packet("cmd", "cmd\nContent-Length: 4\n\n", {{"Content-Length", "4"}}, "abcd")});
  EXPECT_EQ(parse_whole("cmd\nContent-Length: 5\n\nabcde", limits), std::vector{kTooLarge});
}

TEST(CommandParser, ErrorIsFinal) {
  CommandParser parser;
  parser.feed("ok\n\ncmd\nContent-Length: -5\n\n");
  CommandPacket out;
  EXPECT_EQ(parser.next(out), ParseStatus::kPacket);
  EXPECT_EQ(parser.next(out), ParseStatus::kBodyTooLarge);
  parser.feed("api status\n\n");
  EXPECT_EQ(parser.next(out), ParseStatus::kBodyTooLarge);
  EXPECT_FALSE(parser.mid_packet());
}

TEST(CommandParser, OnlyTheFirstContentLengthReadsABody) {
  std::string head = "sendevent CUSTOM\nContent-Length: 2\ncontent-length: 3\n\n";
  EXPECT_EQ(parse_whole(head + "abnext\n\n"),
            (std::vector{packet("sendevent CUSTOM", head,
                                {{"Content-Length", "2"}, {"content-length", "3"}}, "ab"),
                         packet("next", "next\n\n")}));
  // A later out-of-range value is just a header.
  std::string head2 = "cmd\nContent-Length: 0\nContent-Length: -9\n\n";
  EXPECT_EQ(parse_whole(head2),
            std::vector{packet("cmd", head2, {{"Content-Length", "0"}, {"Content-Length", "-9"}})});
}

TEST(CommandParser, HeaderBlockCapTerminatesTheBlock) {
  ParserLimits limits;
  limits.max_header_block = 16;
  EXPECT_EQ(parse_whole("abcdefghijklmnopqrstuvwxyz\n\n", limits),
            (std::vector{packet("abcdefghijklmnop", "abcdefghijklmnop"),
                         packet("qrstuvwxyz", "qrstuvwxyz\n\n")}));
  // A terminator ending exactly at the cap is an ordinary end.
  EXPECT_EQ(parse_whole("abcdefghijklmn\n\nxy\n\n", limits),
            (std::vector{packet("abcdefghijklmn", "abcdefghijklmn\n\n"), packet("xy", "xy\n\n")}));
}

TEST(CommandParser, ACappedBlockIsMarked) {
  ParserLimits limits;
  limits.max_header_block = 16;
  CommandParser parser(limits);
  CommandPacket out;
  parser.feed("api 0123456789abcdefgh\n\napi x\n\n");
  ASSERT_EQ(parser.next(out), ParseStatus::kPacket);
  EXPECT_TRUE(out.block_capped);
  ASSERT_EQ(parser.next(out), ParseStatus::kPacket);  // the rest of the cut line
  EXPECT_FALSE(out.block_capped);
  ASSERT_EQ(parser.next(out), ParseStatus::kPacket);
  EXPECT_EQ(out.command, "api x");
  EXPECT_FALSE(out.block_capped);
}

TEST(CommandParser, CappedBlockStillReadsItsBody) {
  ParserLimits limits;
  limits.max_header_block = 24;
  std::string head = "cmd\nContent-Length: 3\nXY";  // 24 bytes, no terminator
  ASSERT_EQ(head.size(), 24u);
  EXPECT_EQ(parse_whole(head + "abcnext\n\n", limits),
            (std::vector{packet("cmd", head, {{"Content-Length", "3"}}, "abc"),
                         packet("next", "next\n\n")}));
}

TEST(CommandParser, PipelinedPacketsInOneFeed) {
  std::string input =
      "auth ClueCon\n\nevent plain ALL\n\n\n\nfilter Unique-ID abc\r\n\r\n"
      "sendevent CUSTOM\nContent-Length: 2\n\nhi\n\napi status\n\n";
  EXPECT_EQ(parse_whole(input),
            (std::vector{packet("auth ClueCon", "auth ClueCon\n\n"),
                         packet("event plain ALL", "event plain ALL\n\n"),
                         packet("filter Unique-ID abc", "filter Unique-ID abc\r\n\r\n"),
                         packet("sendevent CUSTOM", "sendevent CUSTOM\nContent-Length: 2\n\n",
                                {{"Content-Length", "2"}}, "hi"),
                         packet("api status", "api status\n\n")}));
}

std::string mixed_input() {
  return "\r\n\nauth ClueCon\n\n"
         "sendmsg 0f1e\r\ncall-command: execute\r\nexecute-app-name: playback\r\n\r\n"
         "sendevent CUSTOM\nEvent-Subclass: a::b\nContent-Length: 11\n\nbody\0with\n\n"s
         "\n\nbgapi status \n\n"
         "sendevent NOTIFY\nContent-Length: 0\n\n"
         "cmd\nA: 1\nB: 2\r\n\r\n"
         "x\n\r\n"
         "last\nContent-Length: 3\n\nxyz"
         "after\n\n";
}

TEST(CommandParser, EveryFragmentSizeGivesTheSameResult) {
  std::string input = mixed_input();
  std::vector<Outcome> whole = parse_whole(input);
  ASSERT_EQ(whole.size(), 9u);
  EXPECT_EQ(whole[2].body, "body");
  for (std::size_t fragment = 1; fragment <= input.size(); ++fragment) {
    EXPECT_EQ(parse_in_fragments(input, fragment), whole) << "fragment size " << fragment;
  }
}

TEST(CommandParser, RandomFragmentationGivesTheSameResult) {
  std::string input = mixed_input() + "cmd\nContent-Length: -1\n\ntrailing\n\n";
  ParserLimits limits;
  limits.max_header_block = 40;  // also exercises the cap across fragments
  std::vector<Outcome> whole = parse_whole(input, limits);
  ASSERT_FALSE(whole.empty());
  EXPECT_EQ(whole.back(), kTooLarge);
  std::mt19937 random(12345);
  for (int round = 0; round < 500; ++round) {
    CommandParser parser(limits);
    std::vector<Outcome> outcomes;
    for (std::size_t pos = 0; pos < input.size();) {
      std::size_t size = std::uniform_int_distribution<std::size_t>(0, 9)(random);
      parser.feed(std::string_view(input).substr(pos, size));
      drain(parser, outcomes);
      pos += size;
    }
    ASSERT_EQ(outcomes, whole) << "round " << round;
  }
}

TEST(CommandParser, MidPacketTracksPartialBlocksAndBodies) {
  CommandParser parser;
  CommandPacket out;
  EXPECT_FALSE(parser.mid_packet());
  parser.feed("\r\n");
  EXPECT_FALSE(parser.mid_packet());
  parser.feed("ap");
  EXPECT_TRUE(parser.mid_packet());
  EXPECT_EQ(parser.next(out), ParseStatus::kNeedMore);
  EXPECT_TRUE(parser.mid_packet());
  parser.feed("i status\n\nsendevent X\nContent-Length: 4\n\nab");
  EXPECT_EQ(parser.next(out), ParseStatus::kPacket);
  EXPECT_EQ(parser.next(out), ParseStatus::kNeedMore);
  EXPECT_TRUE(parser.mid_packet());
  parser.feed("cd\n\n");
  EXPECT_EQ(parser.next(out), ParseStatus::kPacket);
  EXPECT_EQ(out.body, "abcd");
  EXPECT_EQ(parser.next(out), ParseStatus::kNeedMore);
  EXPECT_FALSE(parser.mid_packet());
}

TEST(CommandParser, ReusedPacketHoldsOnlyTheLatestPacket) {
  CommandParser parser;
  parser.feed("a\nX: 1\nY: 2\nContent-Length: 1\n\nzb\nW: 3\n\n");
  CommandPacket out;
  ASSERT_EQ(parser.next(out), ParseStatus::kPacket);
  EXPECT_EQ(out.headers.size(), 3u);
  EXPECT_EQ(out.body, "z");
  ASSERT_EQ(parser.next(out), ParseStatus::kPacket);
  EXPECT_EQ(out.command, "b");
  ASSERT_EQ(out.headers.size(), 1u);
  EXPECT_EQ(out.headers[0].name, "W");
  EXPECT_EQ(out.body, "");
  EXPECT_EQ(out.header("w") != nullptr ? *out.header("w") : "", "3");
  EXPECT_EQ(out.header("X"), nullptr);
}

TEST(CommandParser, ConsumedInputIsReleased) {
  CommandParser parser;
  CommandPacket out;
  std::string packet_text = "api status\nSome-Header: " + std::string(1000, 'v') + "\n\n";
  for (int i = 0; i < 200; ++i) {
    parser.feed(packet_text);
    ASSERT_EQ(parser.next(out), ParseStatus::kPacket);
  }
  EXPECT_EQ(parser.next(out), ParseStatus::kNeedMore);
  EXPECT_EQ(parser.buffered_bytes(), 0u);
  // Half a packet stays buffered, and nothing else.
  parser.feed(packet_text.substr(0, 500));
  EXPECT_EQ(parser.next(out), ParseStatus::kNeedMore);
  EXPECT_EQ(parser.buffered_bytes(), 500u);
}

TEST(CommandParser, HeaderLinesBeyondTheCapAreCountedNotStored) {
  ParserLimits limits;
  limits.max_header_lines = 2;
  CommandParser parser(limits);
  parser.feed("sendevent CUSTOM\nA: 1\nB: 2\nC: 3\nContent-Length: 2\n\nxyapi x\nD: 4\n\n");
  CommandPacket out;
  ASSERT_EQ(parser.next(out), ParseStatus::kPacket);
  ASSERT_EQ(out.headers.size(), 2u);
  EXPECT_EQ(out.headers[1].name, "B");
  EXPECT_EQ(out.dropped_headers, 2u);
  EXPECT_EQ(out.body, "xy");  // a dropped Content-Length still frames the packet
  ASSERT_EQ(parser.next(out), ParseStatus::kPacket);
  EXPECT_EQ(out.command, "api x");
  EXPECT_EQ(out.headers.size(), 1u);
  EXPECT_EQ(out.dropped_headers, 0u);
}

TEST(CommandParser, MillionsOfShortLinesStayWithinTheLineCap) {
  // 10 MiB of "a:b" lines: FreeSWITCH's block cap, about 2.6 million lines.
  std::string block = "api status\n";
  while (block.size() < 10485760) block += "a:b\n";
  CommandParser parser;
  parser.feed(block);
  parser.feed("\n");
  CommandPacket out;
  ASSERT_EQ(parser.next(out), ParseStatus::kPacket);
  EXPECT_EQ(out.headers.size(), ParserLimits{}.max_header_lines);
  EXPECT_LE(out.headers.capacity(), 2 * ParserLimits{}.max_header_lines);
  EXPECT_GT(out.dropped_headers, 2000000u);
}

TEST(CommandParser, StorageOfALargePacketIsReleasedOnceItIsDone) {
  CommandParser parser;
  CommandPacket out;
  parser.feed("api x\nBig: " + std::string(1 << 20, 'v') + "\nContent-Length: 1048576\n\n");
  parser.feed(std::string(1 << 20, 'b'));
  ASSERT_EQ(parser.next(out), ParseStatus::kPacket);
  EXPECT_EQ(out.body.size(), 1u << 20);
  ASSERT_EQ(parser.next(out), ParseStatus::kNeedMore);
  EXPECT_LT(out.raw.capacity() + out.body.capacity(), 8192u);
  EXPECT_LT(parser.retained_bytes(), 32768u);
  // A small packet afterwards parses as usual.
  parser.feed("api y\nK: v\n\n");
  ASSERT_EQ(parser.next(out), ParseStatus::kPacket);
  EXPECT_EQ(out.command, "api y");
  ASSERT_NE(out.header("K"), nullptr);
}

TEST(CommandParser, SetLimitsAppliesToTheNextBlock) {
  ParserLimits small;
  small.max_header_block = 16;
  small.max_body = 0;
  CommandParser parser(small);
  CommandPacket out;
  parser.feed("auth secret\n\n");
  ASSERT_EQ(parser.next(out), ParseStatus::kPacket);
  parser.set_limits(ParserLimits{});
  parser.feed("api " + std::string(100, 'x') + "\nContent-Length: 3\n\nabc");
  ASSERT_EQ(parser.next(out), ParseStatus::kPacket);
  EXPECT_EQ(out.command.size(), 104u);
  EXPECT_EQ(out.body, "abc");
}

TEST(CommandParser, FindHeaderIsCaseInsensitiveAndReturnsTheFirst) {
  std::vector<HeaderField> headers{{"Event-Name", "A"}, {"event-name", "B"}};
  ASSERT_NE(find_header(headers, "EVENT-NAME"), nullptr);
  EXPECT_EQ(*find_header(headers, "EVENT-NAME"), "A");
  EXPECT_EQ(find_header(headers, "Event-Nam"), nullptr);
}

}  // namespace
}  // namespace es::protocol

namespace es::protocol {
namespace {

TEST(HeaderNames, PeersMayNotSplitOrSpoofHeaderLines) {
  EXPECT_TRUE(valid_header_name("X-Custom_Header.1"));
  EXPECT_TRUE(valid_header_name("sip_h_X-Foo"));
  EXPECT_TRUE(valid_header_name("with space"));
  EXPECT_TRUE(valid_header_name("Gr\xC3\xBC\xC3\x9F"));
  for (std::string_view bad :
       {"a\nb", "a\rb", "a:b", "a<b", "a>b", "a&b", "tab\there", "del\x7F"}) {
    EXPECT_FALSE(valid_header_name(bad)) << bad;
  }
  EXPECT_FALSE(valid_header_name(std::string_view("nul\0x", 5)));
}

}  // namespace
}  // namespace es::protocol
