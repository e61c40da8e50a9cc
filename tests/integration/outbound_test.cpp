// Outbound mode end to end (docs/outbound.md): a call runs the `socket` application,
// the daemon connects to a small server written here, and that server drives the call.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "call_events.hpp"
#include "conf_dir.hpp"
#include "daemon_fixture.hpp"
#include "outbound_peer.hpp"

namespace es::itest {
namespace {

using namespace std::chrono_literals;

// A port on which nothing listens (bound once, then released).
unsigned short dead_port() {
  OutboundPeer probe;
  if (!probe.listen()) return 1;
  return probe.port();
}

class OutboundTest : public DaemonSuite {
 public:
  static void SetUpTestSuite() { start_daemon(); }

 protected:
  void SetUp() override {
    DaemonSuite::SetUp();
    ASSERT_TRUE(connect_and_auth(control_, port()));
    ASSERT_TRUE(subscriber_.start(port()));
    ASSERT_TRUE(peer_.listen());
  }
  // Originates a null call whose inline dialplan is `actions`; returns its uuid.
  std::string originate(const std::string& actions) {
    return ok_uuid(api(control_, "originate null/1 '" + actions + "' inline"));
  }
  std::string target() const { return "127.0.0.1:" + std::to_string(peer_.port()); }
  // Originates a call into `actions`, accepts its socket and sends `connect`; the uuid, or
  // empty (with a failure recorded) when a step fails.
  std::string connected_call(const std::string& actions) {
    std::string uuid = originate(actions);
    bool ok = !uuid.empty() && peer_.accept() && peer_.send("connect\n\n") &&
              peer_.read_message().has_value();
    EXPECT_TRUE(ok) << "outbound session for " << actions;
    return ok ? uuid : std::string();
  }

  TestClient control_;
  Subscriber subscriber_;
  OutboundPeer peer_;
};

TEST_F(OutboundTest, AsyncFullSessionAnswersPlaysAndEndsWithTheDisconnectNotice) {
  std::string uuid = originate("socket:" + target() + " async full");
  ASSERT_FALSE(uuid.empty());
  ASSERT_TRUE(peer_.accept());

  // connect: the CHANNEL_DATA block is the reply, its last headers say how we run.
  ASSERT_TRUE(peer_.send("connect\n\n"));
  auto data = peer_.read_message();
  ASSERT_TRUE(data.has_value());
  ASSERT_GE(data->headers.size(), 4u);
  EXPECT_EQ(data->headers.front().name, "Event-Name");
  EXPECT_EQ(data->headers.front().value, "CHANNEL_DATA");
  auto n = data->headers.size();
  EXPECT_EQ(data->headers[n - 4].name + ": " + data->headers[n - 4].value,
            "Content-Type: command/reply");
  EXPECT_EQ(data->headers[n - 3].name + ": " + data->headers[n - 3].value, "Reply-Text: %2BOK%0A");
  EXPECT_EQ(data->headers[n - 2].name + ": " + data->headers[n - 2].value, "Socket-Mode: async");
  EXPECT_EQ(data->headers[n - 1].name + ": " + data->headers[n - 1].value, "Control: full");
  EXPECT_EQ(header_or_empty(*data, "Unique-ID"), uuid);
  EXPECT_EQ(header_or_empty(*data, "Channel-Unique-ID"), uuid);
  EXPECT_EQ(header_or_empty(*data, "Channel-Destination-Number"), "1");
  EXPECT_EQ(header_or_empty(*data, "variable_socket_host"), "127.0.0.1");
  EXPECT_TRUE(data->body.empty());

  ASSERT_TRUE(peer_.send("myevents\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "+OK Events Enabled");
  ASSERT_TRUE(peer_.send("getvar socket_host\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "127.0.0.1");
  ASSERT_TRUE(peer_.send("getvar no_such_variable_here\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "-ERR command not found");
  ASSERT_TRUE(peer_.send("resume\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "+OK");
  ASSERT_TRUE(peer_.send("getvar socket_resume\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "true");
  ASSERT_TRUE(peer_.send("nolinger\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "+OK will not linger");
  ASSERT_TRUE(peer_.send("api uuid_getvar " + uuid + " socket_host\n\n"));
  auto api_reply = peer_.read_non_event();
  ASSERT_TRUE(api_reply.has_value());
  EXPECT_EQ(api_reply->body, "127.0.0.1");

  // The call is parked under the socket's control: queued commands run from the park loop.
  EXPECT_TRUE(subscriber_.wait_for("CHANNEL_PARK", uuid));
  ASSERT_TRUE(
      peer_.send("sendmsg\ncall-command: execute\nexecute-app-name: playback\n"
                 "execute-app-arg: silence_stream://200\nevent-lock: true\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "+OK");
  auto complete = peer_.wait_event("CHANNEL_EXECUTE_COMPLETE", "playback");
  ASSERT_TRUE(complete.has_value());
  EXPECT_EQ(header_or_empty(*complete, "Application-Response"), "FILE PLAYED");

  ASSERT_TRUE(peer_.send("sendmsg\ncall-command: hangup\nhangup-cause: NORMAL_CLEARING\n\n"));
  EXPECT_TRUE(peer_.wait_event("CHANNEL_HANGUP").has_value());
  // After the hangup: the disconnect notice naming the call, then the close (docs/outbound.md).
  std::optional<protocol::Message> notice;
  for (auto& m : peer_.others()) {
    if (m.content_type() == "text/disconnect-notice") notice = m;
  }
  while (!notice) {
    auto m = peer_.read_non_event();
    if (!m) break;
    if (m->content_type() == "text/disconnect-notice") notice = m;
  }
  ASSERT_TRUE(notice.has_value());
  EXPECT_EQ(header_or_empty(*notice, "Controlled-Session-UUID"), uuid);
  EXPECT_EQ(header_or_empty(*notice, "Content-Disposition"), "disconnect");
  EXPECT_TRUE(peer_.expect_closed());
  EXPECT_TRUE(subscriber_.wait_destroyed(uuid));
}

TEST_F(OutboundTest, StaticSingleChannelDropsTheFirstReplyGatesCommandsAndResumesTheDialplan) {
  std::string uuid = originate("socket:" + target() + ",park");
  ASSERT_FALSE(uuid.empty());
  ASSERT_TRUE(peer_.accept());

  // The reply to the first packet is never written (docs/outbound.md).
  ASSERT_TRUE(peer_.send("getvar socket_host\n\n"));
  ASSERT_TRUE(peer_.send("connect\n\n"));
  auto data = peer_.read_message();
  ASSERT_TRUE(data.has_value());
  EXPECT_EQ(header_or_empty(*data, "Event-Name"), "CHANNEL_DATA");
  EXPECT_EQ(header_or_empty(*data, "Socket-Mode"), "static");
  EXPECT_EQ(header_or_empty(*data, "Control"), "single-channel");

  // Without `full` everything past sendmsg is "not found" (docs/wire-protocol.md §4).
  for (std::string_view command :
       {"api status", "bgapi status", "event plain ALL", "linger", "nolinger", "log", "nolog",
        "noevents", "nixevent ALL", "sendevent CUSTOM"}) {
    ASSERT_TRUE(peer_.send(std::string(command) + "\n\n"));
    EXPECT_EQ(reply_text(peer_.read_non_event()), "-ERR command not found") << command;
  }
  ASSERT_TRUE(peer_.send("divert_events off\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "+OK events not diverted");
  ASSERT_TRUE(peer_.send("myevents json\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "+OK Events Enabled");

  // Static mode runs sendmsg on the call before replying: the playback is over by then.
  ASSERT_TRUE(
      peer_.send("sendmsg\ncall-command: execute\nexecute-app-name: playback\n"
                 "execute-app-arg: silence_stream://300\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "+OK");
  ASSERT_TRUE(peer_.send("getvar playback_ms\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "300");

  // The application goes away mid-call: `socket` returns and the dialplan goes on (park).
  peer_.close_connection();
  auto park = subscriber_.wait_for("CHANNEL_PARK", uuid);
  ASSERT_TRUE(park.has_value());
  EXPECT_EQ(park->get("Channel-State"), "CS_EXECUTE");
  EXPECT_EQ(api(control_, "uuid_kill " + uuid), "+OK\n");
  EXPECT_TRUE(subscriber_.wait_destroyed(uuid));
}

TEST_F(OutboundTest, LingerKeepsTheSocketAfterHangupUntilItsTimeIsUp) {
  std::string uuid = originate("socket:" + target() + " async full");
  ASSERT_FALSE(uuid.empty());
  ASSERT_TRUE(peer_.accept());
  ASSERT_TRUE(peer_.send("connect\n\n"));
  auto data = peer_.read_message();
  ASSERT_TRUE(data.has_value());
  std::string channel_name = header_or_empty(*data, "Channel-Name");
  EXPECT_FALSE(channel_name.empty());
  ASSERT_TRUE(peer_.send("myevents\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "+OK Events Enabled");
  ASSERT_TRUE(peer_.send("linger 1\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "+OK will linger 1 seconds");
  ASSERT_TRUE(peer_.send("sendmsg\ncall-command: hangup\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "+OK");

  // Linger: the notice, the rest of the call's events, then the goodbye.
  auto notice = peer_.read_non_event();
  ASSERT_TRUE(notice.has_value());
  EXPECT_EQ(notice->content_type(), "text/disconnect-notice");
  EXPECT_EQ(header_or_empty(*notice, "Content-Disposition"), "linger");
  EXPECT_EQ(header_or_empty(*notice, "Controlled-Session-UUID"), uuid);
  EXPECT_EQ(header_or_empty(*notice, "Channel-Name"), channel_name);
  EXPECT_EQ(header_or_empty(*notice, "Linger-Time"), "1");
  EXPECT_TRUE(peer_.wait_event("CHANNEL_HANGUP_COMPLETE").has_value());
  std::optional<protocol::Message> goodbye;
  for (auto& m : peer_.others()) {
    if (m.content_type() == "text/disconnect-notice") goodbye = m;
  }
  if (!goodbye) goodbye = peer_.read_non_event();
  ASSERT_TRUE(goodbye.has_value());
  EXPECT_EQ(header_or_empty(*goodbye, "Content-Disposition"), "disconnect");
  EXPECT_TRUE(peer_.expect_closed());
  EXPECT_TRUE(subscriber_.wait_destroyed(uuid));
}

TEST_F(OutboundTest, UnreachableTargetReturnsAtOnceAndFailoverReachesTheNextTarget) {
  std::string unreachable = "127.0.0.1:" + std::to_string(dead_port());
  std::string lone = originate("socket:" + unreachable + ",park");
  ASSERT_FALSE(lone.empty());
  auto park = subscriber_.wait_for("CHANNEL_PARK", lone);
  ASSERT_TRUE(park.has_value());
  EXPECT_EQ(park->get("variable_socket_host"), "127.0.0.1");
  EXPECT_EQ(api(control_, "uuid_kill " + lone), "+OK\n");
  EXPECT_TRUE(subscriber_.wait_destroyed(lone));

  std::string uuid = originate("socket:" + unreachable + "/first|" + target() + "/ivr async");
  ASSERT_FALSE(uuid.empty());
  ASSERT_TRUE(peer_.accept());
  ASSERT_TRUE(peer_.send("connect\n\n"));
  auto data = peer_.read_message();
  ASSERT_TRUE(data.has_value());
  EXPECT_EQ(header_or_empty(*data, "Socket-Mode"), "async");
  EXPECT_EQ(header_or_empty(*data, "variable_socket_path"), "ivr");
  ASSERT_TRUE(peer_.send("exit\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "+OK bye");
  EXPECT_TRUE(peer_.expect_closed());
  // `socket` was the last action: the call ends once the application leaves.
  EXPECT_TRUE(subscriber_.wait_destroyed(uuid));
}

TEST_F(OutboundTest, Ipv6TargetInBrackets) {
  OutboundPeer peer6;
  if (!peer6.listen_v6()) GTEST_SKIP() << "no IPv6 loopback here";
  std::string uuid = originate("socket:[::1]:" + std::to_string(peer6.port()) + " async full");
  ASSERT_FALSE(uuid.empty());
  ASSERT_TRUE(peer6.accept());
  ASSERT_TRUE(peer6.send("connect\n\n"));
  auto data = peer6.read_message();
  ASSERT_TRUE(data.has_value());
  EXPECT_EQ(header_or_empty(*data, "Unique-ID"), uuid);
  EXPECT_EQ(header_or_empty(*data, "variable_socket_host"), "%5B%3A%3A1%5D");
  ASSERT_TRUE(peer6.send("api uuid_kill " + uuid + "\n\n"));
  auto killed = peer6.read_non_event();
  ASSERT_TRUE(killed.has_value());
  EXPECT_EQ(killed->body, "+OK\n");
  EXPECT_TRUE(peer6.expect_closed());
  EXPECT_TRUE(subscriber_.wait_destroyed(uuid));
}

TEST_F(OutboundTest, ATargetWithoutPortReusesThePortOfTheTargetBefore) {
  // Nothing listens on 127.0.0.2; the second target has no port and takes the first one's.
  std::string uuid =
      originate("socket:127.0.0.2:" + std::to_string(peer_.port()) + "|127.0.0.1 async");
  ASSERT_FALSE(uuid.empty());
  ASSERT_TRUE(peer_.accept());
  ASSERT_TRUE(peer_.send("connect\n\n"));
  auto data = peer_.read_message();
  ASSERT_TRUE(data.has_value());
  EXPECT_EQ(header_or_empty(*data, "variable_socket_host"), "127.0.0.1");
  peer_.close_connection();
  EXPECT_TRUE(subscriber_.wait_destroyed(uuid));
}

// --- the application leaving, resume (docs/outbound.md) -------------------------------

TEST_F(OutboundTest, LeavingWithoutResumeEndsTheCallWhenSocketWasTheLastAction) {
  // FreeSWITCH does not hang up itself: `socket` returns and the dialplan is over.
  for (std::string mode : {" async", ""}) {
    OutboundPeer peer;
    ASSERT_TRUE(peer.listen());
    std::string uuid = originate("socket:127.0.0.1:" + std::to_string(peer.port()) + mode);
    ASSERT_FALSE(uuid.empty());
    ASSERT_TRUE(peer.accept());
    ASSERT_TRUE(peer.send("connect\n\n"));
    ASSERT_TRUE(peer.read_message().has_value());
    peer.close_connection();
    auto hangup = subscriber_.wait_for("CHANNEL_HANGUP", uuid);
    ASSERT_TRUE(hangup.has_value()) << mode;
    EXPECT_EQ(hangup->get("Hangup-Cause"), "NORMAL_CLEARING") << mode;
    EXPECT_TRUE(subscriber_.wait_destroyed(uuid)) << mode;
  }
}

TEST_F(OutboundTest, WithoutResumeTheQueuedApplicationFinishesBeforeTheDialplanGoesOn) {
  std::string uuid = connected_call("socket:" + target() + " async,park");
  ASSERT_FALSE(uuid.empty());
  ASSERT_TRUE(
      peer_.send("sendmsg\ncall-command: execute\nexecute-app-name: playback\n"
                 "execute-app-arg: silence_stream://1000\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "+OK");
  auto started = subscriber_.wait_for([&](const SeenEvent& e) {
    return e.name() == "CHANNEL_EXECUTE" && e.get("Unique-ID") == uuid &&
           e.get("Application") == "playback";
  });
  ASSERT_TRUE(started.has_value());
  peer_.close_connection();
  auto parked = subscriber_.wait_for([&](const SeenEvent& e) {
    return e.name() == "CHANNEL_EXECUTE" && e.get("Unique-ID") == uuid &&
           e.get("Application") == "park";
  });
  ASSERT_TRUE(parked.has_value());
  EXPECT_EQ(api(control_, "uuid_getvar " + uuid + " playback_ms"), "1000");
  EXPECT_EQ(api(control_, "uuid_kill " + uuid), "+OK\n");
  EXPECT_TRUE(subscriber_.wait_destroyed(uuid));
}

TEST_F(OutboundTest, ResumeResetsTheChannelSoTheRunningApplicationEndsAndTheDialplanGoesOn) {
  std::string uuid = connected_call("socket:" + target() + " async,set:after_socket=reached,park");
  ASSERT_FALSE(uuid.empty());
  ASSERT_TRUE(peer_.send("resume\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "+OK");
  ASSERT_TRUE(
      peer_.send("sendmsg\ncall-command: execute\nexecute-app-name: playback\n"
                 "execute-app-arg: silence_stream://30000\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "+OK");
  auto started = subscriber_.wait_for([&](const SeenEvent& e) {
    return e.name() == "CHANNEL_EXECUTE" && e.get("Unique-ID") == uuid &&
           e.get("Application") == "playback";
  });
  ASSERT_TRUE(started.has_value());
  peer_.close_connection();

  // CS_RESET makes the channel not ready: the playback stops long before its 30 s.
  auto parked = subscriber_.wait_for([&](const SeenEvent& e) {
    return e.name() == "CHANNEL_EXECUTE" && e.get("Unique-ID") == uuid &&
           e.get("Application") == "park";
  });
  ASSERT_TRUE(parked.has_value());
  EXPECT_EQ(parked->get("Channel-State"), "CS_EXECUTE");
  std::string played = api(control_, "uuid_getvar " + uuid + " playback_ms");
  EXPECT_LT(std::atoll(played.c_str()), 30000) << played;
  EXPECT_EQ(api(control_, "uuid_getvar " + uuid + " after_socket"), "reached");
  EXPECT_EQ(api(control_, "uuid_getvar " + uuid + " socket_resume"), "true");
  EXPECT_EQ(api(control_, "uuid_kill " + uuid), "+OK\n");
  EXPECT_TRUE(subscriber_.wait_destroyed(uuid));
}

TEST_F(OutboundTest, SocketResumeVariableInStaticModeContinuesTheDialplan) {
  // FreeSWITCH itself would leave a static channel in CS_RESET here (docs/outbound.md);
  // eventswitch goes on with the next action as in async mode.
  std::string uuid =
      originate("set:socket_resume=true,socket:" + target() + ",set:after_socket=reached,park");
  ASSERT_FALSE(uuid.empty());
  ASSERT_TRUE(peer_.accept());
  ASSERT_TRUE(peer_.send("connect\n\n"));
  auto data = peer_.read_message();
  ASSERT_TRUE(data.has_value());
  EXPECT_EQ(header_or_empty(*data, "Socket-Mode"), "static");
  peer_.close_connection();
  auto park = subscriber_.wait_for("CHANNEL_PARK", uuid);
  ASSERT_TRUE(park.has_value());
  EXPECT_EQ(park->get("Channel-State"), "CS_EXECUTE");
  EXPECT_EQ(api(control_, "uuid_getvar " + uuid + " after_socket"), "reached");
  EXPECT_EQ(api(control_, "uuid_kill " + uuid), "+OK\n");
  EXPECT_TRUE(subscriber_.wait_destroyed(uuid));
}

// --- the call hanging up while a command runs --------------------------------------------

TEST_F(OutboundTest, HangupDuringAnAsyncEventLockPlaybackEndsWithTheNoticeAndNoLeftovers) {
  std::string uuid = connected_call("socket:" + target() + " async full");
  ASSERT_FALSE(uuid.empty());
  ASSERT_TRUE(peer_.send("myevents\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "+OK Events Enabled");
  ASSERT_TRUE(
      peer_.send("sendmsg\ncall-command: execute\nexecute-app-name: playback\n"
                 "execute-app-arg: silence_stream://30000\nevent-lock: true\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "+OK");
  ASSERT_TRUE(peer_.wait_event("CHANNEL_EXECUTE", "playback").has_value());

  EXPECT_EQ(api(control_, "uuid_kill " + uuid), "+OK\n");
  // The notice follows CHANNEL_HANGUP at once; the playback's CHANNEL_EXECUTE_COMPLETE may come
  // after it (FreeSWITCH races the same way), so only the subscriber is sure to see it.
  auto hangup = peer_.wait_event("CHANNEL_HANGUP");
  ASSERT_TRUE(hangup.has_value());
  EXPECT_EQ(header_or_empty(*hangup, "Hangup-Cause"), "NORMAL_CLEARING");
  auto notice = peer_.wait_notice();
  ASSERT_TRUE(notice.has_value());
  EXPECT_EQ(header_or_empty(*notice, "Controlled-Session-UUID"), uuid);
  EXPECT_EQ(header_or_empty(*notice, "Content-Disposition"), "disconnect");
  EXPECT_TRUE(peer_.expect_closed());
  EXPECT_TRUE(subscriber_
                  .wait_for([&](const SeenEvent& e) {
                    return e.name() == "CHANNEL_EXECUTE_COMPLETE" && e.get("Unique-ID") == uuid &&
                           e.get("Application") == "playback";
                  })
                  .has_value());
  EXPECT_TRUE(subscriber_.wait_destroyed(uuid));
  EXPECT_EQ(api(control_, "show channels count"), "\n0 total.\n");
}

TEST_F(OutboundTest, HangupDuringAStaticPlaybackRepliesFirstThenSaysGoodbye) {
  std::string uuid = originate("socket:" + target());
  ASSERT_FALSE(uuid.empty());
  ASSERT_TRUE(peer_.accept());
  ASSERT_TRUE(peer_.send("connect\n\n"));
  ASSERT_TRUE(peer_.read_message().has_value());
  ASSERT_TRUE(peer_.send("myevents\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "+OK Events Enabled");
  // Static mode: the reply waits for the playback, which only the hangup ends.
  ASSERT_TRUE(
      peer_.send("sendmsg\ncall-command: execute\nexecute-app-name: playback\n"
                 "execute-app-arg: silence_stream://30000\nevent-lock: true\n\n"));
  auto started = subscriber_.wait_for([&](const SeenEvent& e) {
    return e.name() == "CHANNEL_EXECUTE" && e.get("Unique-ID") == uuid &&
           e.get("Application") == "playback";
  });
  ASSERT_TRUE(started.has_value());
  EXPECT_EQ(api(control_, "uuid_kill " + uuid), "+OK\n");

  auto reply = peer_.read_non_event();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->content_type(), "command/reply");
  EXPECT_EQ(reply_text(reply), "+OK");
  EXPECT_TRUE(peer_.wait_event("CHANNEL_EXECUTE_COMPLETE", "playback").has_value());
  EXPECT_TRUE(peer_.wait_event("CHANNEL_HANGUP").has_value());
  auto notice = peer_.wait_notice();
  ASSERT_TRUE(notice.has_value());
  EXPECT_EQ(header_or_empty(*notice, "Controlled-Session-UUID"), uuid);
  EXPECT_EQ(header_or_empty(*notice, "Content-Disposition"), "disconnect");
  EXPECT_TRUE(peer_.expect_closed());
  EXPECT_TRUE(subscriber_.wait_destroyed(uuid));
  EXPECT_EQ(api(control_, "show channels count"), "\n0 total.\n");
}

// --- the single-channel command set -----------------------------------------------------

TEST_F(OutboundTest, SingleChannelFilterGetvarSendmsgTargetsAndExit) {
  std::string other = originate("park");
  ASSERT_FALSE(other.empty());
  std::string long_value(600, 'x');
  std::string uuid = originate("set:long_value=" + long_value + ",socket:" + target() + ",park");
  ASSERT_FALSE(uuid.empty());
  ASSERT_TRUE(peer_.accept());
  ASSERT_TRUE(peer_.send("connect\n\n"));
  ASSERT_TRUE(peer_.read_message().has_value());

  ASSERT_TRUE(peer_.send("filter Unique-ID " + uuid + "\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "+OK filter added. [Unique-ID]=[" + uuid + "]");
  ASSERT_TRUE(peer_.send("getvar\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "-ERR command not found");
  ASSERT_TRUE(peer_.send("getvar long_value\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), std::string(511, 'x'));

  // `async: true` queues even in static mode: +OK comes before the playback has run.
  ASSERT_TRUE(
      peer_.send("sendmsg\ncall-command: execute\nexecute-app-name: playback\n"
                 "execute-app-arg: silence_stream://1000\nasync: true\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "+OK");
  ASSERT_TRUE(peer_.send("getvar playback_ms\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "-ERR command not found");
  auto played = subscriber_.wait_for([&](const SeenEvent& e) {
    return e.name() == "CHANNEL_EXECUTE_COMPLETE" && e.get("Unique-ID") == uuid &&
           e.get("Application") == "playback";
  });
  ASSERT_TRUE(played.has_value());
  ASSERT_TRUE(peer_.send("getvar playback_ms\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "1000");

  // Another call's uuid: refused without `full` (FreeSWITCH would queue it there; here a
  // single-channel server is confined to its call, docs/security-rights.md).
  ASSERT_TRUE(peer_.send("sendmsg " + other +
                         "\ncall-command: execute\nexecute-app-name: set\n"
                         "execute-app-arg: from_socket=yes\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "-ERR permission denied");
  EXPECT_EQ(api(control_, "uuid_getvar " + other + " from_socket"), "_undef_");
  ASSERT_TRUE(peer_.send("sendmsg no-such-call\ncall-command: hangup\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "-ERR invalid session id [no-such-call]");

  ASSERT_TRUE(peer_.send("exit\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "+OK bye");
  EXPECT_TRUE(peer_.expect_closed());
  EXPECT_TRUE(subscriber_.wait_for("CHANNEL_PARK", uuid).has_value());
  for (const std::string& call : {uuid, other}) {
    EXPECT_EQ(api(control_, "uuid_kill " + call), "+OK\n");
    EXPECT_TRUE(subscriber_.wait_destroyed(call));
  }
}

// --- ordering of replies and events on one connection ------------------------------------

TEST_F(OutboundTest, EventsFiredWhileACommandRunsFollowItsReply) {
  std::string uuid = connected_call("socket:" + target() + " async full");
  ASSERT_FALSE(uuid.empty());
  ASSERT_TRUE(peer_.send("event plain CUSTOM order::probe\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "+OK event listener enabled plain");

  // The event is fired while `api msleep` runs; it is written after the api/response.
  ASSERT_TRUE(peer_.send("api msleep 1500\n\n"));
  std::this_thread::sleep_for(300ms);
  ASSERT_TRUE(control_.send("sendevent CUSTOM\nEvent-Subclass: order::probe\n\n"));
  auto sent = control_.read_message();
  ASSERT_TRUE(sent.has_value());
  EXPECT_TRUE(reply_text(sent).starts_with("+OK ")) << reply_text(sent);
  auto first = peer_.read_message();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->content_type(), "api/response");
  EXPECT_EQ(first->body, "+OK");
  auto second = peer_.read_message();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->content_type(), "text/event-plain");
  EXPECT_NE(second->body.find("Event-Subclass: order%3A%3Aprobe\n"), std::string::npos);

  // Nothing is written while a packet is partly received (docs/wire-protocol.md §3.4): an event
  // fired between its first and its last byte follows its reply.
  ASSERT_TRUE(peer_.send("api status\n"));
  std::this_thread::sleep_for(100ms);
  ASSERT_TRUE(control_.send("sendevent CUSTOM\nEvent-Subclass: order::probe\n\n"));
  sent = control_.read_message();
  ASSERT_TRUE(sent.has_value());
  EXPECT_TRUE(reply_text(sent).starts_with("+OK ")) << reply_text(sent);
  std::this_thread::sleep_for(300ms);
  ASSERT_TRUE(peer_.send("\n"));
  first = peer_.read_message();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->content_type(), "api/response");
  EXPECT_TRUE(first->body.starts_with("UP ")) << first->body;
  second = peer_.read_message();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->content_type(), "text/event-plain");

  // A queued sendmsg: its +OK comes before the events of the application it starts.
  ASSERT_TRUE(peer_.send("myevents\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "+OK Events Enabled");
  ASSERT_TRUE(
      peer_.send("sendmsg\ncall-command: execute\nexecute-app-name: set\n"
                 "execute-app-arg: ordered=yes\n\n"));
  auto reply = peer_.read_message();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->content_type(), "command/reply");
  EXPECT_EQ(reply_text(reply), "+OK");
  EXPECT_TRUE(peer_.wait_event("CHANNEL_EXECUTE_COMPLETE", "set").has_value());

  EXPECT_EQ(api(control_, "uuid_kill " + uuid), "+OK\n");
  EXPECT_TRUE(subscriber_.wait_destroyed(uuid));
}

// --- inbound listeners controlling a call (myevents <uuid>) ------------------------------

TEST_F(OutboundTest, InboundListenerWithMyeventsUuidHasConnectGetvarAndResume) {
  std::string uuid = originate("set:greeting=hello,park");
  ASSERT_FALSE(uuid.empty());
  ASSERT_TRUE(subscriber_.wait_for("CHANNEL_PARK", uuid).has_value());
  TestClient inbound;
  ASSERT_TRUE(connect_and_auth(inbound, port()));
  auto next_reply = [&]() -> std::optional<protocol::Message> {
    auto frame = inbound.read_until(
        [](const Frame& f) { return !f.content_type().starts_with("text/event-"); });
    if (!frame) return std::nullopt;
    return frame->message;
  };
  // Without a call they do not exist.
  for (std::string_view command : {"connect", "getvar greeting", "resume"}) {
    ASSERT_TRUE(inbound.send(std::string(command) + "\n\n"));
    EXPECT_EQ(reply_text(next_reply()), "-ERR command not found") << command;
  }
  ASSERT_TRUE(inbound.send("myevents " + uuid + "\n\n"));
  EXPECT_EQ(reply_text(next_reply()), "+OK Events Enabled");

  ASSERT_TRUE(inbound.send("connect\n\n"));
  auto data = next_reply();
  ASSERT_TRUE(data.has_value());
  ASSERT_GE(data->headers.size(), 4u);
  EXPECT_EQ(data->headers.front().value, "CHANNEL_DATA");
  auto n = data->headers.size();
  EXPECT_EQ(data->headers[n - 4].name + ": " + data->headers[n - 4].value,
            "Content-Type: command/reply");
  EXPECT_EQ(data->headers[n - 3].name + ": " + data->headers[n - 3].value, "Reply-Text: %2BOK%0A");
  EXPECT_EQ(data->headers[n - 2].name + ": " + data->headers[n - 2].value, "Socket-Mode: async");
  EXPECT_EQ(data->headers[n - 1].name + ": " + data->headers[n - 1].value, "Control: full");
  EXPECT_EQ(header_or_empty(*data, "Unique-ID"), uuid);
  EXPECT_EQ(header_or_empty(*data, "Channel-Unique-ID"), uuid);
  EXPECT_EQ(header_or_empty(*data, "Channel-Destination-Number"), "1");
  EXPECT_EQ(header_or_empty(*data, "Channel-Destination-Number"),
            header_or_empty(*data, "Caller-Destination-Number"));
  EXPECT_EQ(header_or_empty(*data, "variable_greeting"), "hello");

  ASSERT_TRUE(inbound.send("getvar greeting\n\n"));
  EXPECT_EQ(reply_text(next_reply()), "hello");
  ASSERT_TRUE(inbound.send("getvar no_such_variable_here\n\n"));
  EXPECT_EQ(reply_text(next_reply()), "-ERR command not found");
  ASSERT_TRUE(inbound.send("resume\n\n"));
  EXPECT_EQ(reply_text(next_reply()), "+OK");
  EXPECT_EQ(api(control_, "uuid_getvar " + uuid + " socket_resume"), "true");

  EXPECT_EQ(api(control_, "uuid_kill " + uuid), "+OK\n");
  auto notice = inbound.read_until(
      [](const Frame& f) { return f.content_type() == "text/disconnect-notice"; });
  ASSERT_TRUE(notice.has_value());
  EXPECT_EQ(header_or_empty(notice->message, "Controlled-Session-UUID"), uuid);
  EXPECT_TRUE(inbound.expect_closed());
  EXPECT_TRUE(subscriber_.wait_destroyed(uuid));
}

// The first-packet deadline (docs/wire-protocol.md §7: 25 s, here shortened through auth-timeout).
class OutboundTimeoutTest : public DaemonSuite {
 public:
  static void SetUpTestSuite() {
    conf_ = std::make_unique<ConfDir>();
    conf_->write("autoload_configs/event_socket.conf.xml",
                 event_socket_conf(param("listen-ip", "127.0.0.1") + param("auth-timeout", "1")));
    daemon_ = std::make_unique<DaemonProcess>(conf_args(*conf_));
  }
  static void TearDownTestSuite() {
    DaemonSuite::TearDownTestSuite();
    conf_.reset();
  }
  static inline std::unique_ptr<ConfDir> conf_;
};

TEST_F(OutboundTimeoutTest, AnApplicationThatNeverSpeaksIsDroppedAndTheCallGoesOn) {
  TestClient control;
  Subscriber subscriber;
  OutboundPeer peer;
  ASSERT_TRUE(connect_and_auth(control, port()));
  ASSERT_TRUE(subscriber.start(port()));
  ASSERT_TRUE(peer.listen());
  std::string uuid =
      ok_uuid(api(control, "originate null/1 'socket:127.0.0.1:" + std::to_string(peer.port()) +
                               ",park' inline"));
  ASSERT_FALSE(uuid.empty());
  ASSERT_TRUE(peer.accept());
  auto notice = peer.read_message();
  ASSERT_TRUE(notice.has_value());
  EXPECT_EQ(notice->content_type(), "text/disconnect-notice");
  EXPECT_EQ(header_or_empty(*notice, "Controlled-Session-UUID"), uuid);
  EXPECT_TRUE(peer.expect_closed());
  EXPECT_TRUE(subscriber.wait_for("CHANNEL_PARK", uuid).has_value());
  EXPECT_EQ(api(control, "uuid_kill " + uuid), "+OK\n");
  EXPECT_TRUE(subscriber.wait_destroyed(uuid));
}

TEST_F(OutboundTimeoutTest, AsyncWithoutConnectLeavesTheCallParkedAsFreeSwitchDoes) {
  TestClient control;
  Subscriber subscriber;
  OutboundPeer peer;
  ASSERT_TRUE(connect_and_auth(control, port()));
  ASSERT_TRUE(subscriber.start(port()));
  ASSERT_TRUE(peer.listen());
  // FreeSWITCH's socket application parks even when its listener ended before `connect`;
  // that park is a plain one, so the action after `socket` never runs.
  std::string uuid =
      ok_uuid(api(control, "originate null/1 'socket:127.0.0.1:" + std::to_string(peer.port()) +
                               " async,hangup:USER_BUSY' inline"));
  ASSERT_FALSE(uuid.empty());
  ASSERT_TRUE(peer.accept());
  auto notice = peer.read_message();
  ASSERT_TRUE(notice.has_value());
  EXPECT_EQ(notice->content_type(), "text/disconnect-notice");
  EXPECT_EQ(header_or_empty(*notice, "Controlled-Session-UUID"), uuid);
  EXPECT_TRUE(peer.expect_closed());
  EXPECT_TRUE(subscriber.wait_for("CHANNEL_PARK", uuid).has_value());
  EXPECT_EQ(api(control, "uuid_kill " + uuid), "+OK\n");
  auto hangup = subscriber.wait_for("CHANNEL_HANGUP", uuid);
  ASSERT_TRUE(hangup.has_value());
  EXPECT_EQ(hangup->get("Hangup-Cause"), "NORMAL_CLEARING");
  EXPECT_TRUE(subscriber.wait_destroyed(uuid));
}

// divert_events on: events queued to the call (sendevent with its Unique-ID) go to the
// controlling socket as they were sent, instead of being fired by the call; off again, the
// call fires them with its channel data.
TEST_F(OutboundTest, DivertedEventsGoToTheSocketInsteadOfTheCall) {
  std::string uuid = connected_call("socket:" + target() + " async full");
  ASSERT_FALSE(uuid.empty());
  ASSERT_TRUE(peer_.send("myevents\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "+OK Events Enabled");
  ASSERT_TRUE(subscriber_.wait_for("CHANNEL_PARK", uuid));
  ASSERT_TRUE(peer_.send("divert_events on\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "+OK events diverted");

  auto probe = [&](const std::string& number) {
    ASSERT_TRUE(control_.send("sendevent CUSTOM\nEvent-Subclass: divert::probe\nUnique-ID: " +
                              uuid + "\nProbe: " + number + "\n\n"));
    auto sent = control_.read_message();
    ASSERT_TRUE(sent.has_value());
    EXPECT_TRUE(reply_text(sent).starts_with("+OK ")) << reply_text(sent);
  };
  auto is_probe = [&](const SeenEvent& e, const std::string& number) {
    return e.get("Event-Subclass") == "divert::probe" && e.get("Probe") == number;
  };
  probe("1");
  // Delivered as sent (FreeSWITCH does not prepare it for delivery either): the packet's
  // headers, no Event-Name and none of the call's channel data.
  auto frame = peer_.read_message();
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(frame->content_type(), "text/event-plain");
  auto diverted = protocol::parse_header_block(frame->body, true);
  EXPECT_EQ(header_or_empty(diverted, "Command"), "sendevent CUSTOM");
  EXPECT_EQ(header_or_empty(diverted, "Event-Subclass"), "divert::probe");
  EXPECT_EQ(header_or_empty(diverted, "Probe"), "1");
  EXPECT_EQ(header_or_empty(diverted, "Channel-State"), "");

  ASSERT_TRUE(peer_.send("divert_events off\n\n"));
  EXPECT_EQ(reply_text(peer_.read_non_event()), "+OK events not diverted");
  probe("2");
  auto fired = subscriber_.wait_for([&](const SeenEvent& e) { return is_probe(e, "2"); });
  ASSERT_TRUE(fired.has_value());
  EXPECT_EQ(fired->get("Channel-State"), "CS_EXECUTE");
  // The diverted one was never fired: the subscriber saw the second probe only.
  EXPECT_EQ(subscriber_.index_of([&](const SeenEvent& e) { return is_probe(e, "1"); }), -1);

  EXPECT_EQ(api(control_, "uuid_kill " + uuid), "+OK\n");
  EXPECT_TRUE(subscriber_.wait_destroyed(uuid));
}

}  // namespace
}  // namespace es::itest
