#include "rabbitmq_broker.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

namespace es::amqptest {

using namespace std::chrono_literals;

std::string RabbitBroker::server_path() {
  // The script itself, not /usr/sbin's wrapper, which switches to the rabbitmq user.
  for (const char* path : {"/usr/lib/rabbitmq/bin/rabbitmq-server", "/usr/sbin/rabbitmq-server"}) {
    if (access(path, X_OK) == 0) return path;
  }
  return {};
}

RabbitBroker::RabbitBroker(std::string tag) : tag_(std::move(tag)) {
  char pattern[] = "/tmp/es-rabbit-XXXXXX";
  if (char* made = mkdtemp(pattern)) dir_ = made;
  port_ = free_tcp_port();
  dist_port_ = free_tcp_port();
  epmd_port_ = free_tcp_port();
  std::ofstream(dir_ + "/rabbit.conf")
      << "listeners.tcp.default = " << port_ << "\nloopback_users = none\n";
  std::ofstream(dir_ + "/enabled_plugins") << "[].\n";
}

RabbitBroker::~RabbitBroker() {
  stop();
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

bool RabbitBroker::start(std::string* error) {
  if (process_) return true;
  const std::string server = server_path();
  if (server.empty() || dir_.empty()) {
    *error = "rabbitmq-server is not installed";
    return false;
  }
  const std::string node = "es-" + tag_ + "-" + std::to_string(getpid()) + "@localhost";
  std::vector<std::string> env = {
      "RABBITMQ_NODENAME=" + node,
      "RABBITMQ_NODE_IP_ADDRESS=127.0.0.1",
      "RABBITMQ_NODE_PORT=" + std::to_string(port_),
      "RABBITMQ_DIST_PORT=" + std::to_string(dist_port_),
      "ERL_EPMD_PORT=" + std::to_string(epmd_port_),
      "RABBITMQ_MNESIA_BASE=" + dir_ + "/mnesia",
      "RABBITMQ_LOG_BASE=" + dir_ + "/log",
      "RABBITMQ_CONFIG_FILE=" + dir_ + "/rabbit.conf",
      "RABBITMQ_ENABLED_PLUGINS_FILE=" + dir_ + "/enabled_plugins",
      "RABBITMQ_PID_FILE=" + dir_ + "/rabbit.pid",
      "HOME=" + dir_,
  };
  process_ =
      std::make_unique<ChildProcess>(std::vector<std::string>{server}, env, dir_ + "/server.log");
  auto deadline = std::chrono::steady_clock::now() + 90s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (port_open(port_)) return true;
    if (process_->wait(0ms)) break;
    std::this_thread::sleep_for(100ms);
  }
  *error = "rabbitmq-server did not start (see " + dir_ + "/server.log)";
  process_.reset();
  return false;
}

void RabbitBroker::kill() {
  if (!process_) return;
  process_->stop(0ms);
  process_.reset();
  run_command({"epmd", "-port", std::to_string(epmd_port_), "-kill"}, 5s);
}

void RabbitBroker::stop() {
  if (!process_) return;
  process_->stop(30s);
  process_.reset();
  // The node started its own epmd on a private port; with the node gone it may go too.
  run_command({"epmd", "-port", std::to_string(epmd_port_), "-kill"}, 5s);
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (port_open(port_) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
}

}  // namespace es::amqptest
