// A subscriber that stops reading: the others keep everything, the stuck one is killed with
// FreeSWITCH's notice, a WARNING names it, and the listener statistics show its losses.
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "conf_dir.hpp"
#include "daemon_fixture.hpp"

namespace es::itest {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kBodyBytes = std::size_t{32} * 1024;
constexpr std::string_view kLostNotice =
    "Content-Type: text/disconnect-notice\nContent-Length: 39\n\n"
    "killed listener because of lost events\n";

std::string sendevent_packet(int n) {
  std::string body(kBodyBytes, 'x');
  return "sendevent CUSTOM\nEvent-Subclass: slow::test\nSeq: " + std::to_string(n) +
         "\nContent-Length: " + std::to_string(body.size()) + "\n\n" + body;
}

TEST(SlowConsumer, StuckListenerIsKilledOthersLoseNothing) {
  ConfDir conf;
  conf.write("autoload_configs/event_socket.conf.xml",
             event_socket_conf(param("password", "ClueCon") + param("max-queue-events", "40") +
                               param("max-lost-before-kill", "20")));
  DaemonProcess daemon(conf_args(conf));
  ASSERT_TRUE(daemon.listening());

  // The stuck subscriber: a raw socket with a small receive buffer that is never read.
  int stuck = connect_from("127.0.0.1", daemon.port());
  ASSERT_GE(stuck, 0);
  ASSERT_TRUE(send_all(stuck, "auth ClueCon\n\nevent plain CUSTOM slow::test\n\n"));

  TestClient healthy;
  ASSERT_TRUE(connect_and_auth(healthy, daemon.port()));
  ASSERT_TRUE(healthy.send("event plain CUSTOM slow::test\n\n"));
  auto subscribed = healthy.read_frame(5s);
  ASSERT_TRUE(subscribed);
  EXPECT_EQ(subscribed->raw, reply_frame("+OK event listener enabled plain"));
  TestClient publisher;
  ASSERT_TRUE(connect_and_auth(publisher, daemon.port()));

  int sent = 0;
  int received = 0;
  bool killed = false;
  for (; sent < 2000 && !killed; ++sent) {
    ASSERT_TRUE(publisher.send(sendevent_packet(sent)));
    auto ok = publisher.read_frame(5s);
    ASSERT_TRUE(ok);
    ASSERT_EQ(ok->message.header("Reply-Text")->substr(0, 3), "+OK");
    auto event = healthy.read_frame(5s);
    ASSERT_TRUE(event) << "healthy subscriber missed event " << sent;
    ASSERT_NE(event->message.body.find("Seq: " + std::to_string(sent) + "\n"), std::string::npos);
    ++received;
    killed = daemon.stderr_text().find("killed event socket listener") != std::string::npos;
  }
  ASSERT_TRUE(daemon.wait_for_stderr("killed event socket listener", 5s)) << daemon.stderr_text();
  EXPECT_EQ(received, sent);
  std::string log = daemon.stderr_text();
  auto line_start = log.rfind('\n', log.find("killed event socket listener"));
  std::string line = log.substr(line_start + 1, log.find('\n', line_start + 1) - line_start - 1);
  EXPECT_NE(line.find("[WARNING]"), std::string::npos) << line;
  EXPECT_NE(line.find("127.0.0.1:"), std::string::npos) << line;

  // Reading now lets the write in flight finish; then comes the notice, then the close.
  bool closed = false;
  std::string tail = read_until_closed(stuck, 5s, &closed);
  ::close(stuck);
  EXPECT_TRUE(closed);
  ASSERT_GE(tail.size(), kLostNotice.size());
  EXPECT_EQ(tail.substr(tail.size() - kLostNotice.size()), kLostNotice);

  // The healthy one is still served, and the statistics no longer list the stuck one.
  ASSERT_TRUE(healthy.send("api event_socket listeners\n\n"));
  auto stats = healthy.read_frame(5s);
  ASSERT_TRUE(stats);
  EXPECT_NE(stats->message.body.find("\n2 total.\n"), std::string::npos) << stats->message.body;
}

}  // namespace
}  // namespace es::itest
