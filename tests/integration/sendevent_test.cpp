// sendevent round trips (docs/wire-protocol.md §5.9; docs/event-formats.md §1, §4): what a client
// sends comes back to a subscriber in each format, with awkward header values and a body.
#include "daemon_fixture.hpp"
#include "event_frames.hpp"

namespace es::itest {
namespace {

// Header values as clients send them. X-Encoded is what modesl produces (it URL-encodes
// values); the server stores it raw, and it is already "encoded" for the plain serializer.
struct SentHeader {
  std::string name;
  std::string value;
};
const std::vector<SentHeader> kSentHeaders = {
    {"X-Spaces", "two  inner  spaces here"},
    {"X-Encoded", "100%25%20done%0Anext%20line"},
    {"X-Quotes", "say \"hi\" & <b>bold</b> 'single' 50% off"},
    {"X-Unicode",
     "Gr\xC3\xBC\xC3\x9F"
     "e aus \xE6\x9D\xB1\xE4\xBA\xAC"},
};
const std::string kBody =
    "first line\nsecond \"line\" <tag> & 100% \xC3\xBC \xE6\x9D\xB1\xE4\xBA\xAC\n";

std::string header_lines(std::string_view subclass) {
  std::string out = "Event-Subclass: " + std::string(subclass) + "\n";
  for (const auto& h : kSentHeaders) out += h.name + ": " + h.value + "\n";
  return out;
}

// docs/event-formats.md §4.2 string escaping, for building expected JSON.
std::string json_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += c;
    }
  }
  return out;
}

class SendEventTest : public DaemonSuite {
 public:
  static void SetUpTestSuite() { start_daemon(); }

 protected:
  void SetUp() override {
    DaemonSuite::SetUp();
    ASSERT_TRUE(connect_and_auth(client_, port()));
  }
  TestClient client_;
};

TEST_F(SendEventTest, PlainRoundTrip) {
  expect_reply(client_, "event plain CUSTOM es::plain\n\n",
               reply_frame("+OK event listener enabled plain"));
  std::string uuid = send_event(client_, "CUSTOM", header_lines("es::plain"), kBody);
  ASSERT_FALSE(uuid.empty());
  auto frame = client_.read_frame();
  ASSERT_TRUE(frame);
  ASSERT_TRUE(check_event_frame(*frame, "plain"));
  auto event = parse_plain_event(frame->message.body);

  // Copied for delivery: Event-Subclass first, then the packet's headers in order, the
  // client's Content-Length, Event-UUID, then the standard headers.
  std::vector<protocol::HeaderField> expected = {{"Event-Subclass", "es%3A%3Aplain"},
                                                 {"Command", "sendevent%20CUSTOM"}};
  for (const auto& h : kSentHeaders) expected.push_back({h.name, expected_url_encode(h.value)});
  expected.push_back({"Content-Length", std::to_string(kBody.size())});
  expected.push_back({"Event-UUID", uuid});
  expected.push_back({"Event-Name", "CUSTOM"});
  ASSERT_GE(event.headers.size(), expected.size() + 1);
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(event.headers[i].name, expected[i].name) << "header #" << i;
    EXPECT_EQ(event.headers[i].value, expected[i].value) << "header #" << i;
  }
  EXPECT_EQ(expected_url_encode(kSentHeaders[1].value), kSentHeaders[1].value);
  // Plain events are pure ASCII (NEventSocket counts characters as bytes).
  for (char c : frame->message.body.substr(0, frame->message.body.size() - kBody.size())) {
    EXPECT_LT(static_cast<unsigned char>(c), 0x80);
  }
  // The serializer's own Content-Length closes the header block, then the raw body.
  EXPECT_EQ(event.headers.back().name, "Content-Length");
  EXPECT_EQ(event.headers.back().value, std::to_string(kBody.size()));
  EXPECT_EQ(event.body, kBody);
  for (std::string_view standard : {"Core-UUID", "FreeSWITCH-Hostname", "Event-Date-Local",
                                    "Event-Date-GMT", "Event-Date-Timestamp", "Event-Sequence"}) {
    EXPECT_TRUE(event.header(standard)) << standard;
  }
}

TEST_F(SendEventTest, JsonRoundTrip) {
  expect_reply(client_, "event json CUSTOM es::json\n\n",
               reply_frame("+OK event listener enabled json"));
  std::string uuid = send_event(client_, "CUSTOM", header_lines("es::json"), kBody);
  ASSERT_FALSE(uuid.empty());
  auto frame = client_.read_frame();
  ASSERT_TRUE(frame);
  ASSERT_TRUE(check_event_frame(*frame, "json"));
  std::string prefix = "{\"Event-Subclass\":\"es::json\",\"Command\":\"sendevent CUSTOM\",";
  for (const auto& h : kSentHeaders) {
    prefix += "\"" + h.name + "\":\"" + json_escape(h.value) + "\",";
  }
  prefix += "\"Content-Length\":\"" + std::to_string(kBody.size()) + "\",\"Event-UUID\":\"" + uuid +
            "\",\"Event-Name\":\"CUSTOM\",";
  const std::string& json = frame->message.body;
  EXPECT_EQ(json.substr(0, prefix.size()), prefix);
  std::string suffix = ",\"Content-Length\":\"" + std::to_string(kBody.size()) + "\",\"_body\":\"" +
                       json_escape(kBody) + "\"}";
  EXPECT_TRUE(json.ends_with(suffix)) << json;
}

TEST_F(SendEventTest, XmlRoundTrip) {
  expect_reply(client_, "event xml CUSTOM es::xml\n\n",
               reply_frame("+OK event listener enabled xml"));
  std::string uuid = send_event(client_, "CUSTOM", header_lines("es::xml"), kBody);
  ASSERT_FALSE(uuid.empty());
  auto frame = client_.read_frame();
  ASSERT_TRUE(frame);
  ASSERT_TRUE(check_event_frame(*frame, "xml"));
  std::string prefix =
      "<event>\n  <headers>\n    <Event-Subclass>es%3A%3Axml</Event-Subclass>\n"
      "    <Command>sendevent%20CUSTOM</Command>\n";
  for (const auto& h : kSentHeaders) {
    // URL-encoded values hold nothing XML would escape.
    prefix += "    <" + h.name + ">" + expected_url_encode(h.value) + "</" + h.name + ">\n";
  }
  prefix += "    <Content-Length>" + std::to_string(kBody.size()) + "</Content-Length>\n" +
            "    <Event-UUID>" + uuid + "</Event-UUID>\n    <Event-Name>CUSTOM</Event-Name>\n";
  const std::string& xml = frame->message.body;
  EXPECT_EQ(xml.substr(0, prefix.size()), prefix);
  // The body is XML-escaped only; a body ending in LF puts two spaces before </body>.
  std::string suffix = "  </headers>\n  <Content-Length>" + std::to_string(kBody.size()) +
                       "</Content-Length>\n  <body>first line\nsecond \"line\" &lt;tag&gt; "
                       "&amp; 100% &#xFC; &#x6771;&#x4EAC;\n  </body>\n</event>\n";
  EXPECT_TRUE(xml.ends_with(suffix)) << xml;
}

// ESL event objects carry their own Event-Name; the standard one is appended after it.
TEST_F(SendEventTest, NamedTypeKeepsClientEventNameFirst) {
  expect_reply(client_, "event plain CHANNEL_CREATE\n\n",
               reply_frame("+OK event listener enabled plain"));
  std::string uuid =
      send_event(client_, "CHANNEL_CREATE", "Event-Name: CHANNEL_CREATE\nX-Marker: named-type\n");
  ASSERT_FALSE(uuid.empty());
  auto frame = read_plain_event_with(client_, "X-Marker", "named-type");
  ASSERT_TRUE(frame);
  auto event = parse_plain_event(frame->message.body);
  std::vector<std::string> names = event.names();
  ASSERT_GE(names.size(), 5u);
  EXPECT_EQ(names[0], "Command");
  EXPECT_EQ(event.headers[0].value, "sendevent%20CHANNEL_CREATE");
  EXPECT_EQ(names[1], "Event-Name");
  EXPECT_EQ(names[2], "X-Marker");
  EXPECT_EQ(names[3], "Event-UUID");
  EXPECT_EQ(names[4], "Event-Name");
  EXPECT_EQ(event.headers[4].value, "CHANNEL_CREATE");
  EXPECT_FALSE(event.has_body);
}

// An unknown name leaves the event CUSTOM without subclass; CUSTOM subscribers get it.
TEST_F(SendEventTest, UnknownNameBecomesCustom) {
  expect_reply(client_, "event plain CUSTOM\n\n", reply_frame("+OK event listener enabled plain"));
  std::string uuid = send_event(client_, "NOT_AN_EVENT_TYPE", "X-Marker: unknown-name\n");
  ASSERT_FALSE(uuid.empty());
  auto frame = read_plain_event_with(client_, "X-Marker", "unknown-name");
  ASSERT_TRUE(frame);
  auto event = parse_plain_event(frame->message.body);
  ASSERT_TRUE(event.header("Event-Name"));
  EXPECT_EQ(*event.header("Event-Name"), "CUSTOM");
  EXPECT_EQ(event.header("Event-Subclass"), nullptr);
  EXPECT_EQ(*event.header("Event-UUID"), uuid);
}

// modesl leaves two stray newlines after a sendevent body; they must be skipped.
TEST_F(SendEventTest, StrayNewlinesAfterBodyAreIgnored) {
  std::string body = "payload";
  ASSERT_TRUE(client_.send("sendevent CUSTOM\nEvent-Subclass: es::stray\nContent-Length: " +
                           std::to_string(body.size()) + "\n\n" + body + "\n\n"));
  auto reply = client_.read_frame();
  ASSERT_TRUE(reply);
  EXPECT_TRUE(reply->raw.starts_with("Content-Type: command/reply\nReply-Text: +OK "));
  expect_reply(client_, "api echo after-stray\n\n", api_frame("after-stray"));
}

}  // namespace
}  // namespace es::itest
