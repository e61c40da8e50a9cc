#include "amqp_consumers.hpp"

#include <unistd.h>

#include <filesystem>

namespace es::amqptest {

using namespace std::chrono_literals;

namespace {

std::vector<std::string> server_args(unsigned short port) {
  return {"--server", "127.0.0.1", "--port", std::to_string(port)};
}

}  // namespace

ToolConsumer::ToolConsumer(unsigned short port, const std::string& exchange,
                           const std::string& binding_key, const std::string& probe_key,
                           const std::string& queue) {
  std::vector<std::string> argv = {"amqp-consume"};
  for (auto& a : server_args(port)) argv.push_back(a);
  if (!queue.empty()) {
    argv.emplace_back("-q");
    argv.push_back(queue);
  }
  for (const std::string& a :
       {std::string("-e"), exchange, std::string("-r"), binding_key, std::string("-A"),
        std::string("--"), std::string("sh"), std::string("-c"), std::string("cat; echo")}) {
    argv.push_back(a);
  }
  process_ = std::make_unique<ChildProcess>(argv);
  // The queue is bound some time after start: publish probes until one comes back.
  for (int attempt = 0; attempt < 100 && !ready_; ++attempt) {
    if (!tool_publish(port, exchange, probe_key, "probe")) continue;
    auto deadline = std::chrono::steady_clock::now() + 300ms;
    while (!ready_ && std::chrono::steady_clock::now() < deadline) {
      auto line = process_->read_line(100ms);
      if (line && *line == "probe") ready_ = true;
    }
  }
}

std::optional<std::string> ToolConsumer::next_body(std::chrono::milliseconds timeout) {
  for (;;) {
    auto line = process_->read_line(timeout);
    if (!line || *line != "probe") return line;
  }
}

bool NodeConsumer::available(std::string* why) {
  if (run_command({"node", "--version"}, 10s).exit_code != 0) {
    *why = "node is not installed";
    return false;
  }
  const std::string interop = ES_INTEROP_DIR;
  if (!std::filesystem::exists(interop + "/node_modules/amqplib")) {
    // As tests/interop/run.sh does: the pinned packages of package-lock.json.
    auto result =
        run_command({"sh", "-c", "cd '" + interop + "' && npm ci --no-audit --no-fund"}, 300s);
    if (result.exit_code != 0) {
      *why = "npm ci failed in tests/interop";
      return false;
    }
  }
  return true;
}

NodeConsumer::NodeConsumer(const std::string& url, const std::string& exchange,
                           const std::string& binding_key, int count,
                           std::chrono::milliseconds timeout, const std::string& queue) {
  std::vector<std::string> argv = {"node",
                                   std::string(ES_INTEROP_DIR) + "/helpers/amqp_consume.mjs",
                                   url,
                                   exchange,
                                   binding_key,
                                   std::to_string(count),
                                   std::to_string(timeout.count())};
  if (!queue.empty()) argv.push_back(queue);
  process_ = std::make_unique<ChildProcess>(argv);
  auto line = process_->read_line(30s);
  ready_ = line && *line == "READY";
}

std::optional<SeenMessage> NodeConsumer::next(std::chrono::milliseconds timeout) {
  auto line = process_->read_line(timeout);
  if (!line) return std::nullopt;
  auto parsed = client::parse_json_event(*line);
  if (!parsed) return std::nullopt;
  SeenMessage seen;
  seen.routing_key = parsed->header_or("routingKey");
  seen.content_type = parsed->header_or("contentType");
  seen.delivery_mode = parsed->header_or("deliveryMode");
  seen.timestamp = parsed->header_or("timestamp");
  seen.body = parsed->header_or("body");
  if (auto headers = client::parse_json_event(parsed->header_or("headers", "{}"))) {
    seen.headers = *headers;
  }
  return seen;
}

bool tool_publish(unsigned short port, const std::string& exchange, const std::string& key,
                  const std::string& body, const std::vector<std::string>& headers,
                  const std::string& content_type) {
  std::vector<std::string> argv = {"amqp-publish"};
  for (auto& a : server_args(port)) argv.push_back(a);
  for (const std::string& a :
       {std::string("-e"), exchange, std::string("-r"), key, std::string("-b"), body}) {
    argv.push_back(a);
  }
  for (const auto& h : headers) {
    argv.emplace_back("-H");
    argv.push_back(h);
  }
  if (!content_type.empty()) {
    argv.emplace_back("-C");
    argv.push_back(content_type);
  }
  return run_command(argv, 15s).exit_code == 0;
}

}  // namespace es::amqptest
