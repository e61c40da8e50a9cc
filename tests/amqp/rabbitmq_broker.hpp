// A private RabbitMQ for the AMQP tests: its own node name, free ports (AMQP, distribution,
// epmd), database, logs and configuration in a temporary directory; stopped and restarted on
// the same ports and data (the reconnect tests), removed with everything on destruction.
#pragma once

#include <memory>
#include <string>

#include "child_process.hpp"

namespace es::amqptest {

class RabbitBroker {
 public:
  // The server script, or empty when RabbitMQ is not installed (the tests skip then).
  static std::string server_path();

  explicit RabbitBroker(std::string tag);
  ~RabbitBroker();
  RabbitBroker(const RabbitBroker&) = delete;
  RabbitBroker& operator=(const RabbitBroker&) = delete;

  // Starts the node and waits (up to 90 s) until it accepts AMQP connections.
  bool start(std::string* error);
  // Stops the node (SIGTERM: clients get a connection.close) and waits until it is gone.
  void stop();
  // Kills the node at once (SIGKILL): no close to clients, nothing flushed that was not.
  void kill();
  bool running() const { return process_ != nullptr; }

  unsigned short port() const { return port_; }
  std::string url() const { return "amqp://guest:guest@127.0.0.1:" + std::to_string(port_); }
  const std::string& dir() const { return dir_; }

 private:
  std::string tag_;
  std::string dir_;
  unsigned short port_ = 0;
  unsigned short dist_port_ = 0;
  unsigned short epmd_port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace es::amqptest
