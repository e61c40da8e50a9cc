// Helpers of the gateway's end-to-end tests (gateway_test.cpp, gateway_subscription_test.cpp).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon_process.hpp"
#include "test_client.hpp"

namespace es::itest {

using namespace std::chrono_literals;

inline std::string up_line(const std::string& name, unsigned short port) {
  return "upstream " + name + " (127.0.0.1:" + std::to_string(port) + ") up";
}

inline std::unique_ptr<DaemonProcess> start_gateway(
    const std::vector<std::pair<std::string, unsigned short>>& upstreams,
    std::vector<std::string> extra = {}) {
  std::vector<std::string> args;
  for (const auto& [name, port] : upstreams) {
    args.emplace_back("--upstream");
    args.push_back(name + "=127.0.0.1:" + std::to_string(port));
  }
  args.insert(args.end(), extra.begin(), extra.end());
  auto gateway = std::make_unique<DaemonProcess>(DaemonProcess::default_args(std::move(args)));
  for (const auto& [name, port] : upstreams) {
    EXPECT_TRUE(gateway->wait_for_stderr(up_line(name, port), 10s)) << gateway->stderr_text();
  }
  return gateway;
}

inline bool is_event(const Frame& frame) {
  return frame.content_type().starts_with("text/event-");
}

// Subscribes and checks the +OK.
inline void subscribe(TestClient& client, std::string_view command) {
  ASSERT_TRUE(client.send(std::string(command) + "\n\n"));
  auto reply = client.read_frame();
  ASSERT_TRUE(reply);
  ASSERT_EQ(reply->message.header("Reply-Text")->substr(0, 3), "+OK") << reply->raw;
}

inline std::string api(TestClient& client, std::string_view command) {
  EXPECT_TRUE(client.send("api " + std::string(command) + "\n\n"));
  auto reply = client.read_until([](const Frame& f) { return f.content_type() == "api/response"; });
  return reply ? reply->message.body : std::string("<no reply>");
}

inline std::string reply_text(TestClient& client, std::string_view packet) {
  EXPECT_TRUE(client.send(packet));
  auto reply =
      client.read_until([](const Frame& f) { return f.content_type() == "command/reply"; });
  if (!reply) return "<no reply>";
  const std::string* text = reply->message.header("Reply-Text");
  return text ? *text : std::string();
}

// The next event whose body contains `needle`.
inline std::optional<Frame> event_with(TestClient& client, std::string_view needle,
                                       std::chrono::milliseconds timeout = kReadTimeout) {
  return client.read_until(
      [&](const Frame& f) {
        return is_event(f) && f.message.body.find(needle) != std::string::npos;
      },
      timeout);
}

inline std::string fire(TestClient& publisher, std::string_view subclass, std::string_view marker,
                        std::string_view body = {}) {
  std::string packet = "sendevent CUSTOM\nEvent-Subclass: " + std::string(subclass) +
                       "\nMarker: " + std::string(marker) + "\n";
  if (!body.empty()) packet += "Content-Length: " + std::to_string(body.size()) + "\n";
  packet += "\n";
  packet += body;
  return reply_text(publisher, packet);
}

}  // namespace es::itest
