// The client library's reconnection with replay through a gateway (docs/gateway.md, "Replay"):
// the client reaches the gateway through a relay the test cuts, events keep coming from the
// upstream meanwhile, and after the reconnection the client has every event exactly once.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "client/sync_connection.hpp"
#include "daemon_process.hpp"
#include "reconnect_reports.hpp"
#include "test_client.hpp"

namespace es::itest {
namespace {

using namespace std::chrono_literals;

// Forwards one TCP connection at a time to 127.0.0.1:`target`; cut() breaks the current one
// (the client sees its connection drop) and the next connection is relayed again.
class Relay {
 public:
  explicit Relay(unsigned short target) : target_(target) {
    listener_ = listen_on_loopback(port_);
    thread_ = std::thread([this] { run(); });
  }
  ~Relay() {
    stopping_ = true;
    cut();
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    thread_.join();
  }
  unsigned short port() const { return port_; }
  void cut() { cut_ = true; }

 private:
  void run() {
    while (!stopping_) {
      pollfd ready{listener_, POLLIN, 0};
      if (::poll(&ready, 1, 50) <= 0) continue;
      int client = ::accept(listener_, nullptr, nullptr);
      if (client < 0) continue;
      int server = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      address.sin_port = htons(target_);
      if (::connect(server, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
        cut_ = false;
        pump(client, server);
      }
      ::close(server);
      ::close(client);
    }
  }
  void pump(int client, int server) {
    char buffer[65536];
    while (!cut_ && !stopping_) {
      pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
      if (::poll(fds, 2, 20) <= 0) continue;
      for (int i = 0; i < 2; ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
        if (n <= 0) return;
        int to = i == 0 ? server : client;
        for (ssize_t sent = 0; sent < n;) {
          ssize_t w = ::write(to, buffer + sent, static_cast<std::size_t>(n - sent));
          if (w <= 0) return;
          sent += w;
        }
      }
    }
  }

  unsigned short target_;
  unsigned short port_ = 0;
  int listener_ = -1;
  std::atomic<bool> cut_{false};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

TEST(GatewayClient, ReconnectingClientReceivesWhatItMissedExactlyOnce) {
  DaemonProcess upstream(DaemonProcess::default_args());
  ASSERT_TRUE(upstream.listening());
  DaemonProcess gateway(DaemonProcess::default_args(
      {"--upstream", "fs1=127.0.0.1:" + std::to_string(upstream.port())}));
  ASSERT_TRUE(gateway.listening());
  ASSERT_TRUE(gateway.wait_for_stderr(
      "upstream fs1 (127.0.0.1:" + std::to_string(upstream.port()) + ") up", 10s));
  Relay relay(gateway.port());

  client::ConnectionOptions options;
  options.reconnect.enabled = true;
  options.reconnect.replay = true;
  options.reconnect.initial_backoff = 300ms;
  options.reconnect.max_backoff = 300ms;
  client::SyncConnection subscriber(options);
  ReconnectReports reports(subscriber);
  subscriber.connect("127.0.0.1", relay.port(), client::Credentials::password_only("ClueCon"));
  ASSERT_TRUE(subscriber.subscribe(protocol::EventFormat::kJson, "CUSTOM gw::client").ok());

  client::SyncConnection publisher;
  publisher.connect("127.0.0.1", upstream.port(), client::Credentials::password_only("ClueCon"));
  auto fire = [&](int n) {
    auto reply = publisher.sendevent(
        "CUSTOM", {{"Event-Subclass", "gw::client"}, {"Number", std::to_string(n)}});
    ASSERT_TRUE(reply.ok()) << reply.text;
  };
  std::multiset<std::string> numbers;
  auto collect = [&](std::size_t want, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (numbers.size() < want && std::chrono::steady_clock::now() < deadline) {
      if (auto event = subscriber.next_event(100ms)) {
        if (const std::string* number = event->header("Number")) numbers.insert(*number);
      }
    }
  };
  for (int n = 0; n < 3; ++n) fire(n);
  collect(3, 5s);
  ASSERT_EQ(numbers.size(), 3u);

  relay.cut();
  std::this_thread::sleep_for(50ms);
  for (int n = 3; n < 8; ++n) fire(n);  // while the client is away
  {
    std::optional<client::ReconnectInfo> info = reports.wait_first(10s);
    ASSERT_TRUE(info);
    EXPECT_TRUE(info->reconnected);
    EXPECT_GE(info->replayed_events, 5u);
    EXPECT_EQ(info->lost_events, 0u);
  }
  for (int n = 8; n < 10; ++n) fire(n);  // after the reconnection
  collect(10, 5s);
  std::this_thread::sleep_for(200ms);
  collect(11, 300ms);  // a duplicate would show up here
  std::multiset<std::string> expected;
  for (int n = 0; n < 10; ++n) expected.insert(std::to_string(n));
  EXPECT_EQ(numbers, expected);
}

}  // namespace
}  // namespace es::itest
