// Orders of frames that FreeSWITCH applications rely on (issue 14, point 2; docs/outbound.md).
#include <string>
#include <vector>

#include "call_events.hpp"
#include "daemon_fixture.hpp"
#include "outbound_peer.hpp"

namespace es::itest {
namespace {

class FidelityOrderTest : public DaemonSuite {
 public:
  static void SetUpTestSuite() { start_daemon(); }

 protected:
  void SetUp() override {
    DaemonSuite::SetUp();
    ASSERT_TRUE(connect_and_auth(control_, port()));
    ASSERT_TRUE(peer_.listen());
  }
  TestClient control_;
  OutboundPeer peer_;
};

// An async outbound socket that lingers: FreeSWITCH's listener thread sees the call down only
// after the call's thread has fired everything up to CHANNEL_HANGUP_COMPLETE, so those events
// come before the linger notice on the wire.
TEST_F(FidelityOrderTest, AsyncLingerNoticeFollowsHangupComplete) {
  std::string target = "127.0.0.1:" + std::to_string(peer_.port());
  // The hangup hook slows the call's thread between CHANNEL_HANGUP and HANGUP_COMPLETE, so a
  // notice sent at the hangup would show before them.
  std::string uuid =
      ok_uuid(api(control_, "originate null/1 'set:api_hangup_hook=msleep 300,socket:" + target +
                                " async full' inline"));
  ASSERT_FALSE(uuid.empty());
  ASSERT_TRUE(peer_.accept());
  ASSERT_TRUE(peer_.send("connect\n\n"));
  ASSERT_TRUE(peer_.read_message().has_value());
  ASSERT_TRUE(peer_.send("myevents\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "+OK Events Enabled");
  ASSERT_TRUE(peer_.send("linger 1\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "+OK will linger 1 seconds");
  ASSERT_TRUE(peer_.send("sendmsg\ncall-command: hangup\n\n"));

  // Every frame in wire order up to the linger notice.
  std::vector<std::string> before_notice;
  bool notice = false;
  while (!notice) {
    auto message = peer_.read_message();
    ASSERT_TRUE(message.has_value()) << "no linger notice";
    if (message->content_type() == "text/disconnect-notice") {
      EXPECT_EQ(header_or_empty(*message, "Content-Disposition"), "linger");
      notice = true;
    } else if (message->content_type().starts_with("text/event-")) {
      auto event = protocol::parse_header_block(message->body, true);
      std::string name = *event.header("Event-Name");
      if (const std::string* app = event.header("Application")) name += "(" + *app + ")";
      if (const std::string* state = event.header("Channel-State");
          state && name == "CHANNEL_STATE") {
        name += "(" + *state + ")";
      }
      before_notice.push_back(name);
    }
  }
  auto position = [&](const std::string& name) {
    for (std::size_t i = 0; i < before_notice.size(); ++i) {
      if (before_notice[i] == name) return static_cast<int>(i);
    }
    return -1;
  };
  std::string seen;
  for (const auto& name : before_notice) seen += name + " ";
  int hangup = position("CHANNEL_HANGUP");
  ASSERT_GE(hangup, 0) << seen;
  EXPECT_GT(position("CHANNEL_UNPARK"), hangup) << seen;
  EXPECT_GT(position("CHANNEL_EXECUTE_COMPLETE(socket)"), position("CHANNEL_UNPARK")) << seen;
  EXPECT_GT(position("CHANNEL_STATE(CS_HANGUP)"), hangup) << seen;
  EXPECT_GT(position("CHANNEL_STATE(CS_REPORTING)"), position("CHANNEL_STATE(CS_HANGUP)")) << seen;
  EXPECT_EQ(before_notice.back(), "CHANNEL_HANGUP_COMPLETE") << seen;

  // After the notice: the goodbye once the linger time is up, then the close.
  auto goodbye = peer_.read_non_event(std::chrono::seconds(5));
  ASSERT_TRUE(goodbye.has_value());
  EXPECT_EQ(header_or_empty(*goodbye, "Content-Disposition"), "disconnect");
  EXPECT_TRUE(peer_.expect_closed());
}

// FreeSWITCH issue 1024: an outbound socket's myevents carries the call's SESSION_HEARTBEAT.
TEST_F(FidelityOrderTest, OutboundMyeventsIncludesSessionHeartbeat) {
  std::string target = "127.0.0.1:" + std::to_string(peer_.port());
  std::string uuid = ok_uuid(api(
      control_, "originate null/1 'enable_heartbeat:1,socket:" + target + " async full' inline"));
  ASSERT_FALSE(uuid.empty());
  ASSERT_TRUE(peer_.accept());
  ASSERT_TRUE(peer_.send("connect\n\n"));
  ASSERT_TRUE(peer_.read_message().has_value());
  ASSERT_TRUE(peer_.send("myevents\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "+OK Events Enabled");
  auto beat = peer_.wait_event("SESSION_HEARTBEAT");
  ASSERT_TRUE(beat.has_value());
  EXPECT_EQ(header_or_empty(*beat, "Unique-ID"), uuid);
  EXPECT_EQ(api(control_, "uuid_kill " + uuid), "+OK\n");
}

}  // namespace
}  // namespace es::itest
