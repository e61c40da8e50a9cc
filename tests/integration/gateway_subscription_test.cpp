// What the gateway subscribes to upstream (docs/gateway.md, "Subscription"), seen from the
// upstream itself: its `event_socket listeners` api lists each connection's subscription, so the
// gateway's own connection shows exactly which `event`/`nixevent` commands it received.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "conf_dir.hpp"
#include "daemon_process.hpp"
#include "gateway_helpers.hpp"
#include "test_client.hpp"

namespace es::itest {
namespace {

using namespace std::chrono_literals;

// What the gateway subscribes to when no client wants anything.
constexpr std::string_view kNeeds = "CHANNEL_CREATE CHANNEL_DESTROY BACKGROUND_JOB";

// A gateway daemon with one upstream "fs1" and these <upstreams> params.
std::unique_ptr<DaemonProcess> start_configured_gateway(
    const ConfDir& conf, unsigned short upstream_port,
    const std::vector<std::pair<std::string, std::string>>& params) {
  std::string xml =
      "<configuration name=\"event_socket.conf\">\n"
      "  <settings><param name=\"password\" value=\"ClueCon\"/></settings>\n"
      "  <upstreams>\n";
  for (const auto& [name, value] : params) {
    xml += "    <param name=\"" + name + "\" value=\"" + value + "\"/>\n";
  }
  xml +=
      "    <upstream name=\"fs1\"><param name=\"host\" value=\"127.0.0.1\"/>"
      "<param name=\"port\" value=\"" +
      std::to_string(upstream_port) +
      "\"/></upstream>\n"
      "  </upstreams>\n"
      "</configuration>\n";
  conf.write("autoload_configs/event_socket.conf.xml", xml);
  auto gateway = std::make_unique<DaemonProcess>(conf_args(conf));
  EXPECT_TRUE(gateway->listening()) << gateway->stderr_text();
  EXPECT_TRUE(gateway->wait_for_stderr(up_line("fs1", upstream_port), 10s))
      << gateway->stderr_text();
  return gateway;
}

// The subscriptions of the upstream's listeners that subscribed to anything (the gateways':
// the test's own connection has none), sorted.
std::vector<std::string> upstream_subscriptions(unsigned short upstream_port) {
  TestClient admin;
  if (!connect_and_auth(admin, upstream_port)) return {"<cannot connect>"};
  std::string table = api(admin, "event_socket listeners");
  std::vector<std::string> found;
  std::size_t start = 0;
  while (start < table.size()) {
    std::size_t end = table.find('\n', start);
    if (end == std::string::npos) end = table.size();
    std::string line = table.substr(start, end - start);
    start = end + 1;
    std::vector<std::string> fields;
    std::size_t from = 0;
    for (std::size_t comma; (comma = line.find(',', from)) != std::string::npos; from = comma + 1)
      fields.push_back(line.substr(from, comma - from));
    fields.push_back(line.substr(from));
    if (fields.size() > 5 && fields[0] != "id" && !fields[5].empty()) found.push_back(fields[5]);
  }
  std::sort(found.begin(), found.end());
  return found;
}

// The one gateway connection's subscription.
std::string upstream_view(unsigned short upstream_port) {
  std::vector<std::string> all = upstream_subscriptions(upstream_port);
  return all.size() == 1 ? all[0] : fmt::format("<{} subscribed listeners>", all.size());
}

// Polls until the view is `expected` (a shrink waits out the unsubscribe delay); the last view.
std::string wait_view(unsigned short upstream_port, std::string_view expected,
                      std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string view = upstream_view(upstream_port);
  while (view != expected && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
    view = upstream_view(upstream_port);
  }
  return view;
}

TEST(GatewaySubscription, FollowsTheUnionOfWhatClientsSubscribeTo) {
  DaemonProcess upstream(DaemonProcess::default_args());
  ASSERT_TRUE(upstream.listening());
  ConfDir conf;
  auto gateway =
      start_configured_gateway(conf, upstream.port(), {{"unsubscribe-delay-ms", "1500"}});
  EXPECT_EQ(wait_view(upstream.port(), kNeeds), kNeeds);

  // The +OK comes once the upstream took the subscription: no polling from here on.
  TestClient create_only;
  ASSERT_TRUE(connect_and_auth(create_only, gateway->port()));
  subscribe(create_only, "event plain CHANNEL_CREATE");
  EXPECT_EQ(upstream_view(upstream.port()), kNeeds);

  auto registers = std::make_unique<TestClient>();
  ASSERT_TRUE(connect_and_auth(*registers, gateway->port()));
  subscribe(*registers, "event plain HEARTBEAT CUSTOM sofia::register");
  const std::string with_register =
      "CUSTOM CHANNEL_CREATE CHANNEL_DESTROY BACKGROUND_JOB HEARTBEAT sofia::register";
  EXPECT_EQ(upstream_view(upstream.port()), with_register);
  TestClient publisher;
  ASSERT_TRUE(connect_and_auth(publisher, upstream.port()));
  ASSERT_EQ(fire(publisher, "sofia::register", "reg-1").substr(0, 3), "+OK");
  EXPECT_TRUE(event_with(*registers, "Marker: reg-1"));

  // myevents brings the channel events; noevents lets them go after the delay.
  TestClient mine;
  ASSERT_TRUE(connect_and_auth(mine, gateway->port()));
  EXPECT_EQ(reply_text(mine, "myevents 11111111-2222-3333-4444-555555555555\n\n"),
            "+OK Events Enabled");
  std::string view = upstream_view(upstream.port());
  EXPECT_NE(view.find("CHANNEL_ANSWER"), std::string::npos) << view;
  EXPECT_NE(view.find("DTMF"), std::string::npos) << view;
  EXPECT_EQ(reply_text(mine, "noevents\n\n"), "+OK no longer listening for events");
  EXPECT_EQ(wait_view(upstream.port(), with_register), with_register);

  // A client gone: its items stay for the delay, then go (CUSTOM itself stays: nixevent CUSTOM
  // only removes subclasses).
  registers.reset();
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(upstream_view(upstream.port()), with_register);
  const std::string shrunk = "CUSTOM CHANNEL_CREATE CHANNEL_DESTROY BACKGROUND_JOB";
  EXPECT_EQ(wait_view(upstream.port(), shrunk), shrunk);
}

TEST(GatewaySubscription, AllWhenConfiguredBesideUnion) {
  DaemonProcess upstream(DaemonProcess::default_args());
  ASSERT_TRUE(upstream.listening());
  ConfDir union_conf, all_conf;
  auto union_gateway = start_configured_gateway(union_conf, upstream.port(), {});
  auto all_gateway = start_configured_gateway(all_conf, upstream.port(), {{"subscription", "all"}});
  for (auto* gateway : {union_gateway.get(), all_gateway.get()}) {
    TestClient client;
    ASSERT_TRUE(connect_and_auth(client, gateway->port()));
    subscribe(client, "event plain CHANNEL_CREATE");
  }
  const std::vector<std::string> expected = {"ALL", std::string(kNeeds)};
  EXPECT_EQ(upstream_subscriptions(upstream.port()), expected);
}

TEST(GatewaySubscription, ReconnectionSubscribesTheCurrentUnion) {
  auto upstream = std::make_unique<DaemonProcess>(DaemonProcess::default_args());
  ASSERT_TRUE(upstream->listening());
  const unsigned short port = upstream->port();
  ConfDir conf;
  auto gateway = start_configured_gateway(conf, port, {});
  TestClient client;
  ASSERT_TRUE(connect_and_auth(client, gateway->port()));
  subscribe(client, "event plain HEARTBEAT CUSTOM gw::again eventswitch::upstream");
  upstream.reset();
  ASSERT_TRUE(event_with(client, "Upstream-State: down", 10s));
  // Subscribed while the upstream is away: answered at once, asked for at the reconnection.
  TestClient later;
  ASSERT_TRUE(connect_and_auth(later, gateway->port()));
  subscribe(later, "event plain CHANNEL_ANSWER");

  DaemonProcess restarted({"--listen-ip", "127.0.0.1", "--listen-port", std::to_string(port),
                           "--no-color", "--heartbeat-interval", "3600"});
  ASSERT_TRUE(restarted.listening()) << restarted.stderr_text();
  ASSERT_TRUE(event_with(client, "Upstream-State: up", 15s));
  EXPECT_EQ(upstream_view(port),
            "CUSTOM CHANNEL_CREATE CHANNEL_DESTROY CHANNEL_ANSWER BACKGROUND_JOB HEARTBEAT "
            "eventswitch::upstream gw::again");
  TestClient publisher;
  ASSERT_TRUE(connect_and_auth(publisher, port));
  ASSERT_EQ(fire(publisher, "gw::again", "after-restart").substr(0, 3), "+OK");
  EXPECT_TRUE(event_with(client, "Marker: after-restart"));
}

}  // namespace
}  // namespace es::itest
