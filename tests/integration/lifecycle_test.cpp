// Daemon lifecycle: HEARTBEAT timing, the shutdown notice, refusing an occupied port.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <csignal>

#include "daemon_fixture.hpp"
#include "event_frames.hpp"

namespace es::itest {
namespace {

class HeartbeatTest : public DaemonSuite {
 public:
  static void SetUpTestSuite() { start_daemon({"--heartbeat-interval", "1"}); }
};

// `printf 'auth ClueCon\n\nevent plain HEARTBEAT\n\n' | nc -q 25 host 8021` half-closes after
// its input. FreeSWITCH treats the end of input as the end of the connection even for a
// subscriber: the replies already due, then the goodbye notice, then the close (no HEARTBEAT).
TEST_F(HeartbeatTest, HalfCloseOfASubscriberEndsTheConnection) {
  TestClient client;
  ASSERT_TRUE(connect_and_auth(client, port()));
  ASSERT_TRUE(client.send("event plain HEARTBEAT\n\napi echo last\n\n"));
  client.shutdown_send();
  auto subscribed = client.read_frame(3s);
  ASSERT_TRUE(subscribed);
  EXPECT_EQ(subscribed->raw, reply_frame("+OK event listener enabled plain"));
  auto echoed = client.read_frame(3s);
  ASSERT_TRUE(echoed);
  EXPECT_EQ(echoed->raw, api_frame("last"));
  auto notice = client.read_frame(3s);
  ASSERT_TRUE(notice);
  EXPECT_EQ(notice->content_type(), "text/disconnect-notice");
  EXPECT_EQ(notice->message.body, kGoodbyeBody);
  EXPECT_TRUE(client.expect_closed(3s));
}

// Without a subscription the same.
TEST_F(HeartbeatTest, HalfCloseWithoutSubscriptionEndsTheConnection) {
  TestClient client;
  ASSERT_TRUE(connect_and_auth(client, port()));
  client.shutdown_send();
  auto notice = client.read_frame(3s);
  ASSERT_TRUE(notice);
  EXPECT_EQ(notice->content_type(), "text/disconnect-notice");
  EXPECT_TRUE(client.expect_closed(3s));
}

TEST_F(HeartbeatTest, HeartbeatThenRescheduleEverySecond) {
  TestClient client;
  ASSERT_TRUE(connect_and_auth(client, port()));
  expect_reply(client, "event plain HEARTBEAT RE_SCHEDULE\n\n",
               reply_frame("+OK event listener enabled plain"));
  std::int64_t previous_timestamp = 0;
  for (int round = 0; round < 2; ++round) {
    auto heartbeat = client.read_frame(3s);
    ASSERT_TRUE(heartbeat) << "no HEARTBEAT within 3 s";
    ASSERT_TRUE(check_event_frame(*heartbeat, "plain"));
    auto event = parse_plain_event(heartbeat->message.body);
    ASSERT_FALSE(event.headers.empty());
    EXPECT_EQ(event.headers[0].name, "Event-Name");
    EXPECT_EQ(event.headers[0].value, "HEARTBEAT");
    ASSERT_TRUE(event.header("Event-Info"));
    EXPECT_EQ(*event.header("Event-Info"), "System%20Ready");
    for (std::string_view name : {"Up-Time", "FreeSWITCH-Version", "Uptime-msec", "Session-Count",
                                  "Max-Sessions", "Idle-CPU", "Event-Date-Timestamp"}) {
      EXPECT_TRUE(event.header(name)) << name;
    }
    std::int64_t timestamp = std::stoll(*event.header("Event-Date-Timestamp"));
    if (previous_timestamp != 0) {
      // One second apart, give or take scheduling on a loaded machine.
      EXPECT_GT(timestamp - previous_timestamp, 500000);
      EXPECT_LT(timestamp - previous_timestamp, 2000000);
    }
    previous_timestamp = timestamp;

    auto reschedule = client.read_frame(1s);
    ASSERT_TRUE(reschedule) << "no RE_SCHEDULE after HEARTBEAT";
    auto task = parse_plain_event(reschedule->message.body);
    ASSERT_TRUE(task.header("Event-Name"));
    EXPECT_EQ(*task.header("Event-Name"), "RE_SCHEDULE");
    ASSERT_TRUE(task.header("Task-Desc"));
    EXPECT_EQ(*task.header("Task-Desc"), "heartbeat");
    ASSERT_TRUE(task.header("Task-Group"));
    EXPECT_EQ(*task.header("Task-Group"), "core");
  }
}

// SIGTERM: every client, authenticated or not, gets the shutdown notice and the daemon
// exits cleanly.
TEST(DaemonLifecycle, ShutdownNoticeToEveryClient) {
  DaemonProcess daemon(DaemonProcess::default_args());
  ASSERT_TRUE(daemon.listening()) << daemon.stderr_text();
  TestClient subscribed, idle, unauthenticated;
  ASSERT_TRUE(connect_and_auth(subscribed, daemon.port()));
  ASSERT_TRUE(subscribed.send("event plain ALL\n\n"));
  auto enabled = subscribed.read_until([](const Frame& f) { return !is_event(f); });
  ASSERT_TRUE(enabled);
  EXPECT_EQ(enabled->raw, reply_frame("+OK event listener enabled plain"));
  ASSERT_TRUE(connect_and_auth(idle, daemon.port()));
  ASSERT_TRUE(unauthenticated.connect(daemon.port()));
  ASSERT_TRUE(read_greeting(unauthenticated));

  ASSERT_EQ(kill(daemon.pid(), SIGTERM), 0);
  const std::string notice =
      "Content-Type: text/disconnect-notice\nContent-Length: 31\n\nThe system is being shut "
      "down.\n";
  // The subscriber may see events (SHUTDOWN...) first, nothing else.
  std::vector<Frame> before;
  auto last =
      subscribed.read_until([](const Frame& f) { return !is_event(f); }, kReadTimeout, &before);
  ASSERT_TRUE(last);
  EXPECT_EQ(last->raw, notice);
  EXPECT_TRUE(subscribed.expect_closed());
  for (TestClient* client : {&idle, &unauthenticated}) {
    auto frame = client->read_frame();
    ASSERT_TRUE(frame);
    EXPECT_EQ(frame->raw, notice);
    EXPECT_TRUE(client->expect_closed());
  }
  auto code = daemon.wait_exit(5s);
  ASSERT_TRUE(code) << "daemon did not exit after SIGTERM";
  EXPECT_EQ(*code, 0);
}

// An occupied port: exit non-zero within a second with one line naming the address.
TEST(DaemonLifecycle, OccupiedPortExitsWithOneLine) {
  int blocker = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(blocker, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = 0;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(blocker, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(listen(blocker, 1), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(getsockname(blocker, reinterpret_cast<sockaddr*>(&address), &length), 0);
  std::string port = std::to_string(ntohs(address.sin_port));

  auto started = std::chrono::steady_clock::now();
  DaemonProcess daemon({"--listen-ip", "127.0.0.1", "--listen-port", port, "--no-color"},
                       /*expect_listening=*/false);
  auto code = daemon.wait_exit(1s);
  auto elapsed = std::chrono::steady_clock::now() - started;
  close(blocker);
  ASSERT_TRUE(code) << "daemon still running 1 s after start on a taken port";
  EXPECT_NE(*code, 0);
  EXPECT_LT(elapsed, 1s);
  daemon.wait_stderr_closed(1s);
  std::string text = daemon.stderr_text();
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.find('\n'), text.size() - 1) << "expected exactly one line:\n" << text;
  EXPECT_NE(text.find("127.0.0.1:" + port), std::string::npos) << text;
}

// An invalid option value is a configuration error like an unusable address: status 1 and
// one line naming the option (CLI11's own exit status was 105, with a help hint).
TEST(DaemonLifecycle, InvalidOptionValueExitsWithStatusOneAndOneLine) {
  DaemonProcess daemon({"--listen-port", "70000", "--no-color"}, /*expect_listening=*/false);
  auto code = daemon.wait_exit(2s);
  ASSERT_TRUE(code) << "daemon still running with --listen-port 70000";
  EXPECT_EQ(*code, 1);
  daemon.wait_stderr_closed(1s);
  std::string text = daemon.stderr_text();
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.find('\n'), text.size() - 1) << "expected exactly one line:\n" << text;
  EXPECT_TRUE(text.starts_with("eventswitch: --listen-port: ")) << text;
  EXPECT_NE(text.find("70000"), std::string::npos) << text;
}

}  // namespace
}  // namespace es::itest
