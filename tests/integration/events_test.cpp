// event / nixevent / noevents and subscription matching
// (docs/wire-protocol.md §5.15-5.17, §6.1, §6.5).
#include "daemon_fixture.hpp"
#include "event_frames.hpp"

namespace es::itest {
namespace {

class EventsTest : public DaemonSuite {
 public:
  static void SetUpTestSuite() { start_daemon(); }

 protected:
  void SetUp() override {
    DaemonSuite::SetUp();
    ASSERT_TRUE(connect_and_auth(client_, port()));
  }
  // Fires a CUSTOM event with the given subclass (none when empty) and a marker header.
  void fire_custom(std::string_view subclass, std::string_view marker) {
    std::string headers;
    if (!subclass.empty()) headers += "Event-Subclass: " + std::string(subclass) + "\n";
    headers += "X-Marker: " + std::string(marker) + "\n";
    ASSERT_FALSE(send_event(client_, "CUSTOM", headers).empty());
  }
  // The next event frame must carry `marker`.
  void expect_next_event(std::string_view marker) {
    auto frame = client_.read_frame();
    ASSERT_TRUE(frame) << "no event, wanted " << marker;
    ASSERT_TRUE(is_event(*frame)) << frame->raw;
    EXPECT_EQ(plain_header(*frame, "X-Marker"), marker);
  }
  TestClient client_;
};

TEST_F(EventsTest, EnableRepliesWithFormat) {
  expect_reply(client_, "event plain BACKGROUND_JOB\n\n",
               reply_frame("+OK event listener enabled plain"));
  expect_reply(client_, "event json HEARTBEAT\n\n", reply_frame("+OK event listener enabled json"));
  expect_reply(client_, "event XML HEARTBEAT\n\n", reply_frame("+OK event listener enabled xml"));
  // No format word: the current format is kept.
  expect_reply(client_, "event CUSTOM\n\n", reply_frame("+OK event listener enabled xml"));
}

TEST_F(EventsTest, NoKeywordsSupplied) {
  expect_reply(client_, "event\n\n", reply_frame("-ERR no keywords supplied"));
  expect_reply(client_, "event plain NOT_A_TYPE\n\n", reply_frame("-ERR no keywords supplied"));
  // The format word applies even though the command fails.
  expect_reply(client_, "event json\n\n", reply_frame("-ERR no keywords supplied"));
  expect_reply(client_, "event BACKGROUND_JOB\n\n", reply_frame("+OK event listener enabled json"));
}

// Prefix matching: "events plain ..." is "event"; unknown words are skipped; the
// SWITCH_EVENT_ prefix is accepted.
TEST_F(EventsTest, LenientWordMatching) {
  expect_reply(client_, "events plain NOT_A_TYPE SWITCH_EVENT_CUSTOM\n\n",
               reply_frame("+OK event listener enabled plain"));
  fire_custom("", "prefix-form");
  expect_next_event("prefix-form");
}

TEST_F(EventsTest, ReplyPrecedesTheEventItFires) {
  expect_reply(client_, "event plain CUSTOM es::order\n\n",
               reply_frame("+OK event listener enabled plain"));
  ASSERT_TRUE(client_.send("sendevent CUSTOM\nEvent-Subclass: es::order\n\n"));
  auto first = client_.read_frame();
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->raw.starts_with("Content-Type: command/reply\nReply-Text: +OK "))
      << "first frame after sendevent: " << first->raw.substr(0, 60);
  auto second = client_.read_frame();
  ASSERT_TRUE(second);
  EXPECT_TRUE(is_event(*second));
}

TEST_F(EventsTest, CustomSubclassesAreMatchedExactly) {
  expect_reply(client_, "event plain CUSTOM es::wanted\n\n",
               reply_frame("+OK event listener enabled plain"));
  fire_custom("es::other", "other");
  fire_custom("ES::WANTED", "wrong-case");
  fire_custom("es::wanted", "wanted");
  expect_next_event("wanted");
  // CUSTOM without subclass passes when CUSTOM is on.
  fire_custom("", "no-subclass");
  expect_next_event("no-subclass");
  // The subclass carried first in the delivered copy.
  fire_custom("es::wanted", "first-header");
  auto frame = client_.read_frame();
  ASSERT_TRUE(frame);
  EXPECT_TRUE(frame->message.body.starts_with("Event-Subclass: es%3A%3Awanted\n"))
      << frame->message.body.substr(0, 60);
}

// Quirk: after CUSTOM every word is a subclass, even an event type name.
TEST_F(EventsTest, WordsAfterCustomAreSubclasses) {
  expect_reply(client_, "event plain CUSTOM es::a BACKGROUND_JOB\n\n",
               reply_frame("+OK event listener enabled plain"));
  expect_reply(client_, "bgapi echo not-delivered\nJob-UUID: after-custom\n\n",
               "Content-Type: command/reply\nReply-Text: +OK Job-UUID: after-custom\n"
               "Job-UUID: after-custom\n\n");
  expect_reply(client_, "api msleep 100\n\n", api_frame("+OK"));
  fire_custom("BACKGROUND_JOB", "subclass-named-like-a-type");
  expect_next_event("subclass-named-like-a-type");
}

TEST_F(EventsTest, NixeventRemovesTypesAndSubclasses) {
  expect_reply(client_, "nixevent\n\n", reply_frame("-ERR no keywords supplied"));
  expect_reply(client_, "event plain CUSTOM es::x es::y\n\n",
               reply_frame("+OK event listener enabled plain"));
  expect_reply(client_, "nixevent CUSTOM es::x\n\n", reply_frame("+OK events nixed"));
  fire_custom("es::x", "x-removed");
  fire_custom("es::y", "y-kept");
  expect_next_event("y-kept");
  // nixevent of a type leaves ALL's other types on.
  expect_reply(client_, "event plain ALL\n\n", reply_frame("+OK event listener enabled plain"));
  expect_reply(client_, "nixevent API\n\n", reply_frame("+OK events nixed"));
  expect_reply(client_, "bgapi echo still-on\nJob-UUID: nix-all\n\n",
               "Content-Type: command/reply\nReply-Text: +OK Job-UUID: nix-all\n"
               "Job-UUID: nix-all\n\n");
  auto job = read_plain_event_with(client_, "Job-UUID", "nix-all");
  EXPECT_TRUE(job);
}

TEST_F(EventsTest, NoeventsStopsDeliveryOnce) {
  expect_reply(client_, "noevents\n\n", reply_frame("-ERR not listening for events"));
  expect_reply(client_, "event plain CUSTOM\n\n", reply_frame("+OK event listener enabled plain"));
  expect_reply(client_, "noevents\n\n", reply_frame("+OK no longer listening for events"));
  expect_reply(client_, "noevents\n\n", reply_frame("-ERR not listening for events"));
  fire_custom("", "after-noevents");
  EXPECT_TRUE(client_.expect_silence(300ms));
}

// A plain subscriber and a json subscriber get the same event in their own formats.
TEST_F(EventsTest, EachListenerGetsItsOwnFormat) {
  TestClient json_client;
  ASSERT_TRUE(connect_and_auth(json_client, port()));
  expect_reply(json_client, "event json CUSTOM es::both\n\n",
               reply_frame("+OK event listener enabled json"));
  expect_reply(client_, "event plain CUSTOM es::both\n\n",
               reply_frame("+OK event listener enabled plain"));
  fire_custom("es::both", "both");
  auto plain = client_.read_frame();
  ASSERT_TRUE(plain);
  EXPECT_TRUE(check_event_frame(*plain, "plain"));
  auto json = json_client.read_frame();
  ASSERT_TRUE(json);
  EXPECT_TRUE(check_event_frame(*json, "json"));
  EXPECT_NE(json->message.body.find("\"X-Marker\":\"both\""), std::string::npos);
}

}  // namespace
}  // namespace es::itest
