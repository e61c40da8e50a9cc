// Shared by the AMQP broker tests: the two brokers (started once in main), amqp.conf
// builders, and a daemon with a control connection and a JSON event subscriber.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "client/event.hpp"
#include "conf_dir.hpp"
#include "daemon_process.hpp"
#include "rabbitmq_broker.hpp"
#include "test_client.hpp"

namespace es::amqptest {

using namespace std::chrono_literals;

extern RabbitBroker* g_broker_a;
extern RabbitBroker* g_broker_b;
extern std::string g_skip_reason;

inline constexpr const char* kVanillaFields =
    "#FreeSWITCH,FreeSWITCH-Hostname,Event-Name,Event-Subclass,Unique-ID";

std::string connection(std::string_view name, unsigned short port);
std::string profile(std::string_view name, const std::vector<std::string>& connections,
                    const std::vector<std::pair<std::string, std::string>>& param_list);
std::string amqp_conf(std::string_view producers, std::string_view commands = {},
                      std::string_view logging = {});

// A daemon with `conf` as autoload_configs/amqp.conf.xml and the given host name; a control
// connection for api and sendevent; a JSON subscriber of every event.
class Switch {
 public:
  Switch(const std::string& conf, const std::string& hostname);
  bool ok() const { return ok_; }
  itest::TestClient& control() { return control_; }
  std::string api(std::string_view command);
  // sendevent with header lines ("Name: value\n"...) and an optional body; the reply text.
  std::string sendevent(std::string_view type, std::string_view header_lines,
                        std::string_view body = {});
  // The JSON body of the next event the socket subscriber gets that satisfies `wanted`.
  std::optional<std::string> socket_event(const std::function<bool(const client::Event&)>& wanted,
                                          std::chrono::milliseconds timeout = 10s);
  // Polls `amqp status` until it contains `needle`.
  bool wait_status(std::string_view needle, std::chrono::milliseconds timeout = 30s);
  const std::string& last_status() const { return last_status_; }
  // A counter (published, dropped...) of the first status line starting with `prefix`.
  std::uint64_t counter(std::string_view prefix, std::string_view name);
  std::string log() const { return daemon_->stderr_text(); }

 private:
  itest::ConfDir dir_;
  std::unique_ptr<itest::DaemonProcess> daemon_;
  itest::TestClient control_;
  itest::TestClient events_;
  bool ok_ = false;
  std::string last_status_;
};

// Whether a sendevent reply is "+OK <event uuid>".
inline bool sent(const std::string& reply) {
  return reply.rfind("+OK ", 0) == 0;
}

class AmqpExport : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!g_skip_reason.empty()) GTEST_SKIP() << g_skip_reason;
  }
  // Starts the broker again when an earlier test left it stopped.
  static bool ensure_running(RabbitBroker& broker);
};

}  // namespace es::amqptest
