// Command packet framing (docs/wire-protocol.md §1): early input, CRLF, blank lines, fragments,
// bodies and their limits, reply truncation.
#include "daemon_fixture.hpp"
#include "event_frames.hpp"

namespace es::itest {
namespace {

class FramingTest : public DaemonSuite {
 public:
  static void SetUpTestSuite() { start_daemon(); }
};

// librevox sends before the greeting arrives: nothing may be lost, replies keep order.
TEST_F(FramingTest, PipelinedBeforeGreeting) {
  TestClient client;
  ASSERT_TRUE(client.connect(port()));
  ASSERT_TRUE(
      client.send("auth ClueCon\n\nevent plain BACKGROUND_JOB\n\nfilter Job-Command echo\n\n"
                  "api echo pipelined\n\n"));
  const std::string expected = std::string(kAuthRequestFrame) + reply_frame("+OK accepted") +
                               reply_frame("+OK event listener enabled plain") +
                               reply_frame("+OK filter added. [Job-Command]=[echo]") +
                               api_frame("pipelined");
  EXPECT_EQ(client.read_raw_bytes(expected.size()), expected);
}

TEST_F(FramingTest, CrlfPackets) {
  TestClient client;
  ASSERT_TRUE(client.connect(port()));
  ASSERT_TRUE(read_greeting(client));
  expect_reply(client, "auth ClueCon\r\n\r\n", reply_frame("+OK accepted"));
  expect_reply(client, "api echo crlf\r\n\r\n", api_frame("crlf"));
  expect_reply(client, "bgapi echo x\r\nJob-UUID: crlf-job\r\n\r\n",
               "Content-Type: command/reply\nReply-Text: +OK Job-UUID: crlf-job\n"
               "Job-UUID: crlf-job\n\n");
  // "\n\r\n" also ends a header block.
  expect_reply(client, "api echo mixed\n\r\n", api_frame("mixed"));
}

TEST_F(FramingTest, BlankLinesBetweenPacketsAreIgnored) {
  TestClient client;
  ASSERT_TRUE(connect_and_auth(client, port()));
  ASSERT_TRUE(client.send("\n\r\n\n\r\napi echo one\n\n\n\n\r\n\napi echo two\n\n"));
  const std::string expected = api_frame("one") + api_frame("two");
  EXPECT_EQ(client.read_raw_bytes(expected.size()), expected);
  EXPECT_TRUE(client.expect_silence(200ms));
}

TEST_F(FramingTest, ByteByByteFragments) {
  TestClient client;
  ASSERT_TRUE(client.connect(port()));
  ASSERT_TRUE(read_greeting(client));
  ASSERT_TRUE(client.send_fragmented("auth ClueCon\n\n", 1));
  auto reply = client.read_frame();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->raw, reply_frame("+OK accepted"));
  expect_reply(client, "event plain CUSTOM es::frag\n\n",
               reply_frame("+OK event listener enabled plain"));
  const std::string body = "fragmented body\nline two";
  ASSERT_TRUE(client.send_fragmented(
      "sendevent CUSTOM\nEvent-Subclass: es::frag\nContent-Length: " + std::to_string(body.size()) +
          "\n\n" + body,
      3));
  auto ok = client.read_frame();
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->raw.starts_with("Content-Type: command/reply\nReply-Text: +OK ")) << ok->raw;
  auto event = client.read_frame();
  ASSERT_TRUE(event);
  EXPECT_EQ(parse_plain_event(event->message.body).body, body);
}

TEST_F(FramingTest, ContentLengthZeroMeansNoBody) {
  TestClient client;
  ASSERT_TRUE(connect_and_auth(client, port()));
  ASSERT_FALSE(send_event(client, "CUSTOM", "Content-Length: 0\n").empty());
  expect_reply(client, "api echo still-framed\n\n", api_frame("still-framed"));
}

// The body is kept as a C string: cut at its first NUL, but every announced byte is read.
TEST_F(FramingTest, BodyIsCutAtNul) {
  TestClient client;
  ASSERT_TRUE(connect_and_auth(client, port()));
  expect_reply(client, "event plain CUSTOM es::nul\n\n",
               reply_frame("+OK event listener enabled plain"));
  const std::string body("abc\0def", 7);
  ASSERT_FALSE(send_event(client, "CUSTOM", "Event-Subclass: es::nul\n", body).empty());
  auto event = client.read_frame();
  ASSERT_TRUE(event);
  auto parsed = parse_plain_event(event->message.body);
  EXPECT_EQ(parsed.body, "abc");
  expect_reply(client, "api echo after-nul\n\n", api_frame("after-nul"));
}

TEST_F(FramingTest, OversizedContentLengthDropsTheConnection) {
  for (std::string_view length : {"16777217", "-1"}) {
    TestClient client;
    ASSERT_TRUE(connect_and_auth(client, port()));
    ASSERT_TRUE(client.send("sendevent CUSTOM\nContent-Length: " + std::string(length) + "\n\n"));
    auto notice = client.read_frame();
    ASSERT_TRUE(notice) << length;
    EXPECT_EQ(notice->raw, disconnect_frame(kGoodbyeBody)) << length;
    EXPECT_TRUE(client.expect_closed()) << length;
  }
}

// Reply-Text is built in a 512-byte buffer: at most 511 bytes.
TEST_F(FramingTest, LongReplyTextIsTruncated) {
  TestClient client;
  ASSERT_TRUE(connect_and_auth(client, port()));
  std::string value(600, 'v');
  std::string full = "+OK filter added. [X-Long]=[" + value + "]";
  expect_reply(client, "filter X-Long " + value + "\n\n", reply_frame(full.substr(0, 511)));
}

// Quirk: the command is matched on the raw text, header lines are ignored for dispatch.
TEST_F(FramingTest, HeaderLinesDoNotChangeTheCommand) {
  TestClient client;
  ASSERT_TRUE(connect_and_auth(client, port()));
  expect_reply(client, "api echo with-headers\nX-Extra: exit\nline without colon\n\n",
               api_frame("with-headers"));
}

}  // namespace
}  // namespace es::itest
