#include "amqp_fixture.hpp"

#include <cstdio>
#include <cstdlib>
#include <thread>

#include "call_events.hpp"

namespace es::amqptest {

RabbitBroker* g_broker_a = nullptr;
RabbitBroker* g_broker_b = nullptr;
std::string g_skip_reason;

std::string connection(std::string_view name, unsigned short port) {
  return "<connection name=\"" + std::string(name) +
         "\"><param name=\"hostname\" value=\"127.0.0.1\"/><param name=\"port\" value=\"" +
         std::to_string(port) + "\"/></connection>";
}

std::string profile(std::string_view name, const std::vector<std::string>& connections,
                    const std::vector<std::pair<std::string, std::string>>& param_list) {
  std::string out = "<profile name=\"" + std::string(name) + "\"><connections>";
  for (const auto& c : connections) out += c;
  out += "</connections><params>";
  for (const auto& [param_name, value] : param_list) out += itest::param(param_name, value);
  return out + "</params></profile>";
}

std::string amqp_conf(std::string_view producers, std::string_view commands,
                      std::string_view logging) {
  return "<configuration name=\"amqp.conf\"><producers>" + std::string(producers) +
         "</producers><commands>" + std::string(commands) + "</commands><logging>" +
         std::string(logging) + "</logging></configuration>";
}

Switch::Switch(const std::string& conf, const std::string& hostname) {
  dir_.write("autoload_configs/amqp.conf.xml", conf);
  daemon_ = std::make_unique<itest::DaemonProcess>(
      itest::conf_args(dir_, {"--hostname", hostname, "--log-level", "DEBUG"}));
  ok_ = daemon_->listening() && itest::connect_and_auth(control_, daemon_->port()) &&
        itest::connect_and_auth(events_, daemon_->port());
  if (ok_) {
    events_.send("event json ALL\n\n");
    auto reply = events_.read_frame();
    const std::string* text = reply ? reply->message.header("Reply-Text") : nullptr;
    ok_ = text && *text == "+OK event listener enabled json";
  }
}

std::string Switch::api(std::string_view command) {
  return itest::api(control_, command);
}

std::string Switch::sendevent(std::string_view type, std::string_view header_lines,
                              std::string_view body) {
  std::string packet = "sendevent ";
  packet.append(type).append("\n").append(header_lines);
  if (!body.empty())
    packet.append("Content-Length: ").append(std::to_string(body.size())).append("\n");
  packet.append("\n").append(body);
  control_.send(packet);
  auto reply = control_.read_frame();
  const std::string* text = reply ? reply->message.header("Reply-Text") : nullptr;
  return text ? *text : "<no reply>";
}

std::optional<std::string> Switch::socket_event(
    const std::function<bool(const client::Event&)>& wanted, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto frame = events_.read_frame(1s);
    if (!frame || frame->content_type() != "text/event-json") continue;
    auto event = client::parse_json_event(frame->message.body);
    if (event && wanted(*event)) return frame->message.body;
  }
  return std::nullopt;
}

bool Switch::wait_status(std::string_view needle, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    last_status_ = api("amqp status");
    if (last_status_.find(needle) != std::string::npos) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

std::uint64_t Switch::counter(std::string_view prefix, std::string_view name) {
  last_status_ = api("amqp status");
  auto line = last_status_.find(prefix);
  if (line == std::string::npos) return ~0ull;
  std::string needle = " ";
  needle.append(name).append("=");
  auto at = last_status_.find(needle, line);
  if (at == std::string::npos) return ~0ull;
  return std::strtoull(last_status_.c_str() + at + name.size() + 2, nullptr, 10);
}

bool AmqpExport::ensure_running(RabbitBroker& broker) {
  std::string error;
  if (broker.running() || broker.start(&error)) return true;
  ADD_FAILURE() << error;
  return false;
}

}  // namespace es::amqptest

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  using es::amqptest::RabbitBroker;
  std::unique_ptr<RabbitBroker> a;
  std::unique_ptr<RabbitBroker> b;
  if (RabbitBroker::server_path().empty()) {
    es::amqptest::g_skip_reason = "rabbitmq-server is not installed";
  } else {
    a = std::make_unique<RabbitBroker>("a");
    b = std::make_unique<RabbitBroker>("b");
    std::string error;
    if (!a->start(&error) || !b->start(&error)) {
      std::fprintf(stderr, "broker start failed: %s\n", error.c_str());
      return 1;
    }
    es::amqptest::g_broker_a = a.get();
    es::amqptest::g_broker_b = b.get();
  }
  int result = RUN_ALL_TESTS();
  b.reset();
  a.reset();
  return result;
}
