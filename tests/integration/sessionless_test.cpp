// Session commands on an inbound connection that controls no call (docs/wire-protocol.md §4,
// §5.3-5.8, §5.14, §6.4): myevents, divert_events, sendmsg, linger, getvar, connect, resume.
#include "daemon_fixture.hpp"
#include "event_frames.hpp"

namespace es::itest {
namespace {

constexpr std::string_view kNoSuchCall = "5b0e4f1c-7d2a-4c3b-9e8f-0a1b2c3d4e5f";

class SessionlessTest : public DaemonSuite {
 public:
  static void SetUpTestSuite() { start_daemon(); }

 protected:
  void SetUp() override {
    DaemonSuite::SetUp();
    ASSERT_TRUE(connect_and_auth(client_, port()));
  }
  TestClient client_;
};

// Quirk: an unknown uuid without a format word succeeds, unattached; a second myevents
// is refused with the misspelt reply.
TEST_F(SessionlessTest, MyeventsUnknownUuidWithoutFormatSucceedsOnce) {
  expect_reply(client_, "myevents " + std::string(kNoSuchCall) + "\n\n",
               reply_frame("+OK Events Enabled"));
  expect_reply(client_, "myevents " + std::string(kNoSuchCall) + "\n\n",
               reply_frame("-ERR aready enabled."));
}

TEST_F(SessionlessTest, MyeventsUnknownUuidWithFormatIsInvalid) {
  expect_reply(client_, "myevents " + std::string(kNoSuchCall) + " plain\n\n",
               reply_frame("-ERR invalid uuid"));
  expect_reply(client_, "myevents not-a-uuid json\n\n", reply_frame("-ERR invalid uuid"));
}

// Without a session only "myevents " with a space is a command.
TEST_F(SessionlessTest, BareMyeventsIsNotFound) {
  expect_reply(client_, "myevents\n\n", reply_frame("-ERR command not found"));
}

// The unattached myevents listener gets the listed channel events of every channel: any
// event with a Unique-ID passes, others do not.
TEST_F(SessionlessTest, UnattachedMyeventsPassesEventsWithUniqueId) {
  expect_reply(client_, "myevents " + std::string(kNoSuchCall) + "\n\n",
               reply_frame("+OK Events Enabled"));
  ASSERT_FALSE(send_event(client_, "CHANNEL_CREATE", "X-Marker: no-unique-id\n").empty());
  ASSERT_FALSE(send_event(client_, "CUSTOM",
                          "Unique-ID: 11111111-1111-4111-8111-111111111111\n"
                          "X-Marker: custom-not-listed\n")
                   .empty());
  ASSERT_FALSE(send_event(client_, "CHANNEL_CREATE",
                          "Unique-ID: 22222222-2222-4222-8222-222222222222\n"
                          "X-Marker: any-channel\n")
                   .empty());
  auto frame = client_.read_frame();
  ASSERT_TRUE(frame);
  ASSERT_TRUE(check_event_frame(*frame, "plain"));
  EXPECT_EQ(plain_header(*frame, "X-Marker"), "any-channel");
  EXPECT_EQ(plain_header(*frame, "Unique-ID"), "22222222-2222-4222-8222-222222222222");
}

TEST_F(SessionlessTest, DivertEventsNeedsASession) {
  expect_reply(client_, "divert_events on\n\n", reply_frame("-ERR not controlling a session."));
  expect_reply(client_, "divert_events\n\n", reply_frame("-ERR not controlling a session."));
}

TEST_F(SessionlessTest, SendmsgToNoSession) {
  expect_reply(client_, "sendmsg\ncall-command: hangup\n\n",
               reply_frame("-ERR invalid session id []"));
  expect_reply(client_,
               "sendmsg " + std::string(kNoSuchCall) +
                   "\ncall-command: execute\nexecute-app-name: answer\nevent-lock: true\n\n",
               reply_frame("-ERR invalid session id [" + std::string(kNoSuchCall) + "]"));
  expect_reply(client_, "sendmsg\nSession-ID: from-header\ncall-command: hangup\n\n",
               reply_frame("-ERR invalid session id [from-header]"));
}

TEST_F(SessionlessTest, LingerNeedsASession) {
  expect_reply(client_, "linger\n\n", reply_frame("-ERR not controlling a session"));
  expect_reply(client_, "linger 10\n\n", reply_frame("-ERR not controlling a session"));
  expect_reply(client_, "nolinger\n\n", reply_frame("-ERR not controlling a session"));
}

TEST_F(SessionlessTest, SessionOnlyCommandsAreNotFound) {
  for (std::string_view command : {"getvar uuid\n\n", "connect\n\n", "resume\n\n"}) {
    expect_reply(client_, command, reply_frame("-ERR command not found"));
  }
}

}  // namespace
}  // namespace es::itest
