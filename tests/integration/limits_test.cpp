// Before authentication a connection costs almost nothing whatever it sends; connection caps
// close extra connections at once; the accept loop pauses instead of spinning when the process
// is out of descriptors; no packet becomes an unbounded number of header fields.
#include <sys/resource.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <thread>

#include "conf_dir.hpp"
#include "daemon_fixture.hpp"
#include "process_probe.hpp"

namespace es::itest {
namespace {

using namespace std::chrono_literals;

// 10 MiB and a bit of "a:b" lines with no end of block: FreeSWITCH's header block cap.
std::string header_flood() {
  std::string flood = "a:b\n";
  while (flood.size() < (10u << 20) + 4096) flood += flood;
  return flood;
}

TEST(UnauthenticatedLimits, HeaderFloodCostsAlmostNothing) {
  DaemonProcess daemon(DaemonProcess::default_args());
  ASSERT_TRUE(daemon.listening());
  std::this_thread::sleep_for(300ms);
  long before = rss_kb(daemon.pid());
  ASSERT_GT(before, 0);

  std::string flood = header_flood();
  std::vector<int> attackers;
  for (int i = 0; i < 2; ++i) {
    int fd = connect_from("127.0.0.1", daemon.port());
    ASSERT_GE(fd, 0);
    attackers.push_back(fd);
    // The daemon may stop reading (its replies are not read): give up after a while.
    send_for(fd, flood, 2s);
  }
  std::this_thread::sleep_for(500ms);
  long during = rss_kb(daemon.pid());
  for (int fd : attackers) {
    bool closed = false;
    read_until_closed(fd, 2s, &closed);
    EXPECT_TRUE(closed) << "a header flood before auth must end the connection";
  }
  // The previous daemon held 2.6 million header entries (~300 MB) per such connection.
  EXPECT_LT(during - before, 16 * 1024) << "RSS before " << before << " KiB, during " << during;

  // Everyone else is still served at once.
  TestClient client;
  ASSERT_TRUE(connect_and_auth(client, daemon.port()));
  ASSERT_TRUE(client.send("api version\n\n"));
  auto reply = client.read_frame(2s);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->content_type(), "api/response");
  for (int fd : attackers) ::close(fd);
}

TEST(UnauthenticatedLimits, ABodyBeforeAuthenticationEndsTheConnection) {
  DaemonProcess daemon(DaemonProcess::default_args());
  ASSERT_TRUE(daemon.listening());
  int fd = connect_from("127.0.0.1", daemon.port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(send_all(fd, "auth ClueCon\nContent-Length: 5\n\n"));
  bool closed = false;
  std::string received = read_until_closed(fd, 2s, &closed);
  ::close(fd);
  EXPECT_TRUE(closed) << "still open after a body was announced before auth";
  EXPECT_EQ(received, std::string(kAuthRequestFrame) + disconnect_frame(kGoodbyeBody));
}

TEST(UnauthenticatedLimits, SixteenPacketsBeforeAuthAreAnsweredInOrder) {
  DaemonProcess daemon(DaemonProcess::default_args());
  ASSERT_TRUE(daemon.listening());
  TestClient client;
  ASSERT_TRUE(client.connect(daemon.port()));
  ASSERT_TRUE(read_greeting(client));
  // Pipelined in one write, read only afterwards: every one is answered, in order.
  std::string pipelined;
  for (int i = 0; i < 15; ++i) pipelined += "nope " + std::to_string(i) + "\n\n";
  pipelined += "auth ClueCon\n\napi version\n\n";
  ASSERT_TRUE(client.send(pipelined));
  for (int i = 0; i < 15; ++i) {
    auto frame = client.read_frame(2s);
    ASSERT_TRUE(frame) << "reply " << i;
    ASSERT_EQ(frame->raw, reply_frame("-ERR command not found"));
  }
  auto accepted = client.read_frame(2s);
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->raw, reply_frame("+OK accepted"));
  auto version = client.read_frame(2s);
  ASSERT_TRUE(version);
  EXPECT_EQ(version->content_type(), "api/response");
}

TEST(UnauthenticatedLimits, ASeventeenthPacketBeforeAuthEndsTheConnection) {
  DaemonProcess daemon(DaemonProcess::default_args());
  ASSERT_TRUE(daemon.listening());
  int fd = connect_from("127.0.0.1", daemon.port());
  ASSERT_GE(fd, 0);
  std::string pipelined;
  for (int i = 0; i < 40; ++i) pipelined += "nope\n\n";
  ASSERT_TRUE(send_all(fd, pipelined));
  bool closed = false;
  std::string received = read_until_closed(fd, 2s, &closed);
  ::close(fd);
  std::string expected(kAuthRequestFrame);
  for (int i = 0; i < 16; ++i) expected += reply_frame("-ERR command not found");
  expected += disconnect_frame(kGoodbyeBody);
  EXPECT_TRUE(closed);
  EXPECT_EQ(received, expected);
}

TEST(UnauthenticatedLimits, A4KiBHeaderBlockBeforeAuthEndsTheConnection) {
  DaemonProcess daemon(DaemonProcess::default_args());
  ASSERT_TRUE(daemon.listening());
  int fd = connect_from("127.0.0.1", daemon.port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(send_all(fd, "auth " + std::string(5000, 'p') + "\n\n"));
  bool closed = false;
  std::string received = read_until_closed(fd, 2s, &closed);
  ::close(fd);
  EXPECT_TRUE(closed);
  EXPECT_EQ(received, std::string(kAuthRequestFrame) + disconnect_frame(kGoodbyeBody));
}

TEST(HeaderLineCap, APacketWithTooManyHeaderLinesIsRefused) {
  DaemonProcess daemon(DaemonProcess::default_args());
  ASSERT_TRUE(daemon.listening());
  TestClient client;
  ASSERT_TRUE(connect_and_auth(client, daemon.port()));
  std::string packet = "api version\n";
  for (int i = 0; i < 5000; ++i) packet += "X-" + std::to_string(i) + ": v\n";
  packet += "\n";
  ASSERT_TRUE(client.send(packet));
  auto reply = client.read_frame(2s);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->raw, reply_frame("-ERR too many header lines"));
  // Nothing stuck: the next command runs.
  ASSERT_TRUE(client.send("api version\n\n"));
  auto next = client.read_frame(2s);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->content_type(), "api/response");
}

// Reads the greeting, or nothing and the close when the connection was refused.
std::string first_bytes(int fd) {
  return read_exactly(fd, kAuthRequestFrame.size(), 2s);
}

TEST(ConnectionCaps, ConnectionsOverACapAreClosedAtOnce) {
  ConfDir conf;
  conf.write("autoload_configs/event_socket.conf.xml",
             event_socket_conf(param("password", "ClueCon") + param("max-connections", "4") +
                               param("max-unauthenticated-per-address", "2")));
  DaemonProcess daemon(conf_args(conf));
  ASSERT_TRUE(daemon.listening());

  int a = connect_from("127.0.0.1", daemon.port());
  int b = connect_from("127.0.0.1", daemon.port());
  ASSERT_EQ(first_bytes(a), kAuthRequestFrame);
  ASSERT_EQ(first_bytes(b), kAuthRequestFrame);
  // A third unauthenticated one from the same address: closed without a word.
  int c = connect_from("127.0.0.1", daemon.port());
  bool closed = false;
  EXPECT_EQ(read_until_closed(c, 2s, &closed), "");
  EXPECT_TRUE(closed);
  ::close(c);
  EXPECT_TRUE(daemon.wait_for_stderr(
      "refused a connection from 127.0.0.1: max-unauthenticated-per-address reached", 2s))
      << daemon.stderr_text();
  // Another address is not affected.
  int d = connect_from("127.0.0.2", daemon.port());
  ASSERT_EQ(first_bytes(d), kAuthRequestFrame);
  // Once one authenticates, its address may open another.
  ASSERT_TRUE(send_all(a, "auth ClueCon\n\n"));
  ASSERT_EQ(read_exactly(a, reply_frame("+OK accepted").size(), 2s), reply_frame("+OK accepted"));
  int e = connect_from("127.0.0.1", daemon.port());
  ASSERT_EQ(first_bytes(e), kAuthRequestFrame);
  // Four connections now: a fifth from anywhere is closed at once.
  int f = connect_from("127.0.0.3", daemon.port());
  EXPECT_EQ(read_until_closed(f, 2s, &closed), "");
  EXPECT_TRUE(closed);
  ::close(f);
  // A closed connection gives its place back.
  ::close(b);
  std::string greeting;
  for (int attempt = 0; attempt < 20 && greeting != kAuthRequestFrame; ++attempt) {
    std::this_thread::sleep_for(100ms);
    int g = connect_from("127.0.0.3", daemon.port());
    greeting = first_bytes(g);
    ::close(g);
  }
  EXPECT_EQ(greeting, kAuthRequestFrame);
  for (int fd : {a, d, e}) ::close(fd);
}

TEST(AcceptLoop, PausesInsteadOfSpinningWhenOutOfDescriptors) {
#ifdef ES_ITEST_UNDER_SANITIZER
  GTEST_SKIP() << "CPU figures are not meaningful under a sanitizer";
#endif
  DaemonProcess daemon(DaemonProcess::default_args());
  ASSERT_TRUE(daemon.listening());
  std::this_thread::sleep_for(200ms);
  long fds = open_fds(daemon.pid());
  ASSERT_GT(fds, 0);
  rlimit saved{};
  ASSERT_EQ(prlimit(daemon.pid(), RLIMIT_NOFILE, nullptr, &saved), 0);
  rlimit tight = saved;
  tight.rlim_cur = static_cast<rlim_t>(fds);  // not one descriptor more
  ASSERT_EQ(prlimit(daemon.pid(), RLIMIT_NOFILE, &tight, nullptr), 0);

  std::vector<int> waiting;
  waiting.reserve(3);
  for (int i = 0; i < 3; ++i) waiting.push_back(connect_from("127.0.0.1", daemon.port()));
  std::this_thread::sleep_for(300ms);
  long cpu_before = cpu_ticks(daemon.pid());
  std::this_thread::sleep_for(1s);
  long cpu_used = cpu_ticks(daemon.pid()) - cpu_before;
  long ticks_per_second = sysconf(_SC_CLK_TCK);
  // A spinning accept loop burns a whole core (ticks_per_second per second).
  EXPECT_LT(cpu_used, ticks_per_second / 5) << "CPU ticks in 1 s while out of descriptors";
  EXPECT_TRUE(daemon.wait_for_stderr("cannot accept", 1s)) << daemon.stderr_text();

  // Descriptors are back: the waiting connections are served.
  ASSERT_EQ(prlimit(daemon.pid(), RLIMIT_NOFILE, &saved, nullptr), 0);
  for (int fd : waiting) {
    ASSERT_GE(fd, 0);
    EXPECT_EQ(first_bytes(fd), kAuthRequestFrame);
    ::close(fd);
  }
}

// max-filters and max-subclasses of event_socket.conf replace the defaults of 256.
TEST(SubscriptionCaps, FilterAndSubclassCapsComeFromTheConfiguration) {
  ConfDir conf;
  conf.write("autoload_configs/event_socket.conf.xml",
             event_socket_conf(param("password", "ClueCon") + param("max-filters", "2") +
                               param("max-subclasses", "1")));
  DaemonProcess daemon(conf_args(conf));
  ASSERT_TRUE(daemon.listening());
  TestClient client;
  ASSERT_TRUE(connect_and_auth(client, daemon.port()));
  auto expect_reply = [&client](std::string_view command, const std::string& expected) {
    ASSERT_TRUE(client.send(command));
    auto frame = client.read_frame();
    ASSERT_TRUE(frame) << "no reply to: " << command;
    EXPECT_EQ(frame->raw, expected) << "command: " << command;
  };
  expect_reply("filter X-N a\n\n", reply_frame("+OK filter added. [X-N]=[a]"));
  expect_reply("filter X-N b\n\n", reply_frame("+OK filter added. [X-N]=[b]"));
  expect_reply("filter X-N c\n\n", reply_frame("-ERR too many filters (at most 2)"));
  expect_reply("event plain CUSTOM es::one\n\n", reply_frame("+OK event listener enabled plain"));
  expect_reply("event plain CUSTOM es::two\n\n",
               reply_frame("-ERR too many event subclasses (at most 1)"));
}

}  // namespace
}  // namespace es::itest
