// The two consumers we did not write, driven from the tests: Debian's amqp-consume (bodies
// only, one per line) and npm's amqplib (tests/interop/helpers/amqp_consume.mjs: routing key,
// properties and body of each message).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "child_process.hpp"
#include "client/event.hpp"

namespace es::amqptest {

// amqp-consume bound to `exchange` with `binding_key` (on a fresh exclusive queue, or on
// `queue` when given). Ready once constructed: a probe published with `probe_key` came back,
// so the binding exists. Each message body is one line (event JSON has no raw newlines).
class ToolConsumer {
 public:
  ToolConsumer(unsigned short port, const std::string& exchange, const std::string& binding_key,
               const std::string& probe_key, const std::string& queue = {});
  bool ready() const { return ready_; }
  std::optional<std::string> next_body(std::chrono::milliseconds timeout);
  void stop() { process_->stop(); }

 private:
  std::unique_ptr<ChildProcess> process_;
  bool ready_ = false;
};

// One message as amqplib saw it.
struct SeenMessage {
  std::string routing_key;
  std::string content_type;
  std::string delivery_mode;  // "null" when absent
  std::string timestamp;
  client::Event headers;  // the AMQP headers, as name/value pairs
  std::string body;
};

class NodeConsumer {
 public:
  // Installs the interop node_modules when missing; false (with a reason) if node is absent.
  static bool available(std::string* why);
  // A fresh exclusive queue, or the durable `queue` when given (count 0: bind it and exit).
  NodeConsumer(const std::string& url, const std::string& exchange, const std::string& binding_key,
               int count = 1000000, std::chrono::milliseconds timeout = std::chrono::seconds(120),
               const std::string& queue = {});
  bool ready() const { return ready_; }
  std::optional<SeenMessage> next(std::chrono::milliseconds timeout);

 private:
  std::unique_ptr<ChildProcess> process_;
  bool ready_ = false;
};

// amqp-publish of `body` to `exchange` with `key` and "Name: value" headers.
bool tool_publish(unsigned short port, const std::string& exchange, const std::string& key,
                  const std::string& body, const std::vector<std::string>& headers = {},
                  const std::string& content_type = {});

}  // namespace es::amqptest
