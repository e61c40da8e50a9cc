// A whole inbound session (auth, api, bgapi, event, filter, exit), byte for byte
// (docs/wire-protocol.md §2).
#include "daemon_fixture.hpp"
#include "event_frames.hpp"

namespace es::itest {
namespace {

class WorkedExampleTest : public DaemonSuite {
 public:
  static void SetUpTestSuite() { start_daemon(); }
};

TEST_F(WorkedExampleTest, InboundSession) {
  const std::string job = "11111111-2222-3333-4444-555555555555";
  // (client bytes, exact server bytes) in order.
  const std::vector<std::pair<std::string, std::string>> steps = {
      {"auth ClueCon\n\n", "Content-Type: command/reply\nReply-Text: +OK accepted\n\n"},
      {"api uuid_exists 00000000-0000-0000-0000-000000000000\n\n",
       "Content-Type: api/response\nContent-Length: 5\n\nfalse"},
      {"bgapi status\nJob-UUID: " + job + "\n\n",
       "Content-Type: command/reply\nReply-Text: +OK Job-UUID: " + job + "\nJob-UUID: " + job +
           "\n\n"},
      {"event plain CHANNEL_CREATE BACKGROUND_JOB\n\n",
       "Content-Type: command/reply\nReply-Text: +OK event listener enabled plain\n\n"},
      {"filter Event-Name CHANNEL_CREATE\n\n",
       "Content-Type: command/reply\nReply-Text: +OK filter added. "
       "[Event-Name]=[CHANNEL_CREATE]\n\n"},
      {"exit\n\n", "Content-Type: command/reply\nReply-Text: +OK bye\n\n"},
  };
  TestClient client;
  ASSERT_TRUE(client.connect(port()));
  auto greeting = client.read_frame();
  ASSERT_TRUE(greeting);
  EXPECT_EQ(greeting->raw, "Content-Type: auth/request\n\n");
  // The status job may finish after the subscription: then its BACKGROUND_JOB event may
  // come between later replies (as in FreeSWITCH). Nothing else may.
  int job_events = 0;
  auto next_non_event = [&]() -> std::optional<Frame> {
    for (;;) {
      auto frame = client.read_frame();
      if (!frame || !is_event(*frame)) return frame;
      EXPECT_EQ(plain_header(*frame, "Event-Name"), "BACKGROUND_JOB");
      EXPECT_EQ(plain_header(*frame, "Job-UUID"), job);
      ++job_events;
    }
  };
  for (const auto& [command, expected] : steps) {
    ASSERT_TRUE(client.send(command));
    auto frame = next_non_event();
    ASSERT_TRUE(frame) << "no reply to " << command;
    EXPECT_EQ(frame->raw, expected) << "command: " << command;
  }
  auto notice = next_non_event();
  ASSERT_TRUE(notice);
  EXPECT_EQ(notice->raw,
            "Content-Type: text/disconnect-notice\nContent-Length: 67\n\n"
            "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n");
  EXPECT_TRUE(client.expect_closed());
  EXPECT_LE(job_events, 1);
}

}  // namespace
}  // namespace es::itest
