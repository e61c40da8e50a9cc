// The Prometheus endpoint of a running daemon (--metrics-listen): the exposition passes
// `promtool check metrics`, its values follow what clients do (connections by state, events
// delivered, api requests, bgapi jobs), and hostile requests (a body, an oversized target, a
// silent connection) neither grow nor stall it.
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <thread>

#include "client/sync_connection.hpp"
#include "conf_dir.hpp"
#include "daemon_process.hpp"

namespace es::itest {
namespace {

using namespace std::chrono_literals;
using client::Credentials;
using client::SyncConnection;

unsigned short metrics_port(const DaemonProcess& daemon) {
  constexpr std::string_view kLine = "metrics at http://127.0.0.1:";
  if (!daemon.wait_for_stderr(kLine, 10s)) return 0;
  std::string text = daemon.stderr_text();
  return static_cast<unsigned short>(std::atoi(text.c_str() + text.find(kLine) + kLine.size()));
}

// The value of the sample `series` (name with its labels, as exposed), nullopt when absent.
std::optional<double> value_of(const std::string& exposition, const std::string& series) {
  std::string needle = "\n" + series + " ";
  auto at = exposition.find(needle);
  if (at == std::string::npos) return std::nullopt;
  return std::strtod(exposition.c_str() + at + needle.size(), nullptr);
}

long rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) return std::atol(line.c_str() + 6);
  }
  return 0;
}

std::string scrape_metrics(unsigned short port) {
  httplib::Client http("127.0.0.1", port);
  http.set_read_timeout(5, 0);
  auto result = http.Get("/metrics");
  if (!result || result->status != 200) {
    ADD_FAILURE() << "scrape failed";
    return {};
  }
  return "\n" + result->body;  // every sample line starts after a newline
}

// promtool's verdict on the exposition (its output on failure).
void expect_promtool_accepts(const std::string& exposition) {
  ConfDir dir;
  dir.write("metrics.txt", exposition.substr(1));
  std::string command = "promtool check metrics < '" + dir.path() + "/metrics.txt' > '" +
                        dir.path() + "/promtool.out' 2>&1";
  int status = std::system(command.c_str());
  std::ifstream out(dir.path() + "/promtool.out");
  std::string report((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
  EXPECT_EQ(status, 0) << report;
}

class MetricsEndpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    daemon_ = std::make_unique<DaemonProcess>(
        DaemonProcess::default_args({"--metrics-listen", "127.0.0.1:0"}));
    ASSERT_TRUE(daemon_->listening()) << daemon_->stderr_text();
    port_ = metrics_port(*daemon_);
    ASSERT_NE(port_, 0) << daemon_->stderr_text();
  }
  std::string scrape() const { return scrape_metrics(port_); }

  std::unique_ptr<DaemonProcess> daemon_;
  unsigned short port_ = 0;
};

constexpr const char* kAuthenticated =
    "eventswitch_connections{transport=\"plain\",state=\"authenticated\"}";

TEST_F(MetricsEndpointTest, ExpositionPassesPromtoolAndFollowsTheClients) {
  std::string before = scrape();
  expect_promtool_accepts(before);
  EXPECT_EQ(value_of(before, kAuthenticated), 0.0) << before;
  double delivered_before = value_of(before, "eventswitch_events_delivered_total").value_or(-1);
  double api_before =
      value_of(before, "eventswitch_api_request_duration_seconds_count").value_or(-1);
  ASSERT_GE(delivered_before, 0) << before;
  ASSERT_GE(api_before, 0) << before;

  auto subscriber = std::make_unique<SyncConnection>();
  subscriber->connect("127.0.0.1", daemon_->port(), Credentials::password_only("ClueCon"));
  SyncConnection driver;
  driver.connect("127.0.0.1", daemon_->port(), Credentials::password_only("ClueCon"));
  ASSERT_TRUE(subscriber->subscribe(protocol::EventFormat::kPlain, "CUSTOM metrics::test").ok());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(driver.sendevent("CUSTOM", {{"Event-Subclass", "metrics::test"}}).ok());
  }
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(subscriber->next_event(5s).has_value());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(driver.api("echo counted"), "counted");
  EXPECT_EQ(driver.bgapi("echo job").body, "job");

  std::string during = scrape();
  expect_promtool_accepts(during);
  EXPECT_EQ(value_of(during, kAuthenticated), 2.0) << during;
  EXPECT_GE(value_of(during, "eventswitch_connections_accepted_total{transport=\"plain\"}"), 2.0);
  // The subscriber's 5 CUSTOM events, and the driver's own BACKGROUND_JOB.
  EXPECT_GE(value_of(during, "eventswitch_events_delivered_total").value_or(0),
            delivered_before + 6)
      << during;
  EXPECT_GE(value_of(during, "eventswitch_api_request_duration_seconds_count").value_or(0),
            api_before + 3)
      << during;
  EXPECT_EQ(value_of(during, "eventswitch_bgapi_jobs_started_total"), 1.0) << during;
  EXPECT_EQ(value_of(during, "eventswitch_api_request_duration_seconds_bucket{le=\"+Inf\"}"),
            value_of(during, "eventswitch_api_request_duration_seconds_count"));

  // A closed connection leaves the gauge; the counters keep what it did.
  double delivered_during = value_of(during, "eventswitch_events_delivered_total").value_or(0);
  subscriber->disconnect();
  subscriber.reset();
  std::string after;
  for (int i = 0; i < 100; ++i) {
    after = scrape();
    if (value_of(after, kAuthenticated) == 1.0) break;
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(value_of(after, kAuthenticated), 1.0) << after;
  EXPECT_GE(value_of(after, "eventswitch_events_delivered_total").value_or(0), delivered_during);
}

TEST_F(MetricsEndpointTest, HostileRequestsAreBoundedAndTheEndpointKeepsServing) {
  // A silent connection holds the endpoint's one thread for at most its read timeout (2 s).
  int silent = connect_from("127.0.0.1", port_);
  ASSERT_GE(silent, 0);
  auto started = std::chrono::steady_clock::now();
  std::string exposition = scrape();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 4s);
  EXPECT_NE(exposition.find("eventswitch_connections"), std::string::npos);
  ::close(silent);

  httplib::Client http("127.0.0.1", port_);
  http.set_read_timeout(5, 0);
  // A body is refused (GET only, no payload), other paths are 404, and a request head over
  // 8 KiB is not read at all: the connection is closed without an answer.
  auto posted = http.Post("/metrics", std::string(100000, 'x'), "text/plain");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 413);
  auto other = http.Get("/");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404);
  EXPECT_FALSE(http.Get("/metrics?" + std::string(20000, 'a')));

  // A head cut by the peer's end of input is dropped at once (no wait for the timeout).
  int cut = connect_from("127.0.0.1", port_);
  ASSERT_GE(cut, 0);
  ASSERT_TRUE(send_all(cut, "GET /metrics HTTP/1.1\r\nHost: x\r\n"));
  ::shutdown(cut, SHUT_WR);
  bool cut_closed = false;
  auto cut_started = std::chrono::steady_clock::now();
  EXPECT_EQ(read_until_closed(cut, 5s, &cut_closed), "");
  EXPECT_TRUE(cut_closed);
  EXPECT_LT(std::chrono::steady_clock::now() - cut_started, 1s);
  ::close(cut);

  // Header lines streamed without end: the endpoint stops reading after 8 KiB and closes, so
  // the daemon's memory does not follow (Debian's httplib would keep every line).
  long rss_before = rss_kib(daemon_->pid());
  int flood = connect_from("127.0.0.1", port_);
  ASSERT_GE(flood, 0);
  std::string lines = "GET /metrics HTTP/1.1\r\n";
  for (int i = 0; i < 1000; ++i) lines += "X-Flood: " + std::string(100, 'f') + "\r\n";
  std::size_t sent = 0;
  for (int i = 0; i < 1000 && send_all(flood, lines); ++i) sent += lines.size();
  ::close(flood);
  EXPECT_LT(sent, 50u * 1000 * 1000) << "the endpoint read a 100 MB request head";
  EXPECT_LT(rss_kib(daemon_->pid()) - rss_before, 20 * 1024);
  EXPECT_NE(scrape().find("eventswitch_events_delivered_total"), std::string::npos);
}

TEST_F(MetricsEndpointTest, AMalformedAddressStopsTheDaemonWithOneLine) {
  RunResult run = run_daemon_binary(DaemonProcess::default_args({"--metrics-listen", "nowhere"}));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("metrics-listen 'nowhere' is not IP:PORT"), std::string::npos) << run.err;
}

// Gateway mode adds each upstream's state, events, connections and lag.
TEST(GatewayMetrics, UpstreamStateEventsAndLagFollowTheUpstream) {
  auto upstream = std::make_unique<DaemonProcess>(DaemonProcess::default_args());
  ASSERT_TRUE(upstream->listening());
  const std::string port = std::to_string(upstream->port());
  DaemonProcess gateway(DaemonProcess::default_args(
      {"--upstream", "fs1=127.0.0.1:" + port, "--metrics-listen", "127.0.0.1:0"}));
  ASSERT_TRUE(gateway.listening()) << gateway.stderr_text();
  ASSERT_TRUE(gateway.wait_for_stderr("upstream fs1 (127.0.0.1:" + port + ") up", 10s))
      << gateway.stderr_text();
  const unsigned short metrics = metrics_port(gateway);
  ASSERT_NE(metrics, 0) << gateway.stderr_text();

  const std::string up = "eventswitch_upstream_up{upstream=\"fs1\"}";
  const std::string received = "eventswitch_upstream_events_received_total{upstream=\"fs1\"}";
  const std::string connects = "eventswitch_upstream_connects_total{upstream=\"fs1\"}";
  std::string before = scrape_metrics(metrics);
  expect_promtool_accepts(before);
  EXPECT_EQ(value_of(before, up), 1.0) << before;
  EXPECT_EQ(value_of(before, connects), 1.0) << before;
  const double received_before = value_of(before, received).value_or(-1);
  ASSERT_GE(received_before, 0) << before;
  ASSERT_TRUE(value_of(before, "eventswitch_upstream_lag_seconds{upstream=\"fs1\"}")) << before;

  // The upstream subscription is the gateway's own needs until a client wants more.
  const std::string size = "eventswitch_upstream_subscription_size{upstream=\"fs1\"}";
  EXPECT_EQ(value_of(before, size), 3.0) << before;
  EXPECT_EQ(value_of(before, "eventswitch_upstream_subscribed_all{upstream=\"fs1\"}"), 0.0)
      << before;
  SyncConnection subscriber;
  subscriber.connect("127.0.0.1", gateway.port(), Credentials::password_only("ClueCon"));
  ASSERT_TRUE(subscriber.subscribe(protocol::EventFormat::kPlain, "CUSTOM metrics::gw").ok());
  EXPECT_EQ(value_of(scrape_metrics(metrics), size), 5.0);  // + CUSTOM, metrics::gw

  SyncConnection publisher;
  publisher.connect("127.0.0.1", upstream->port(), Credentials::password_only("ClueCon"));
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(publisher.sendevent("CUSTOM", {{"Event-Subclass", "metrics::gw"}}).ok());
  }
  publisher.disconnect();
  // The events travel upstream -> gateway while we poll.
  double received_after = received_before;
  for (int i = 0; i < 100 && received_after < received_before + 5; ++i) {
    std::this_thread::sleep_for(50ms);
    received_after = value_of(scrape_metrics(metrics), received).value_or(-1);
  }
  EXPECT_GE(received_after, received_before + 5);

  upstream.reset();  // the upstream goes away: the gauge follows
  double up_after = 1;
  for (int i = 0; i < 100 && up_after != 0; ++i) {
    std::this_thread::sleep_for(50ms);
    up_after = value_of(scrape_metrics(metrics), up).value_or(-1);
  }
  EXPECT_EQ(up_after, 0.0);
}

}  // namespace
}  // namespace es::itest
