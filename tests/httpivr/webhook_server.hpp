// The web application side of the httpivr tests: a cpp-httplib server in the test process that
// records every request (path, body, signature check) and answers from a script per path.
#pragma once

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "apps/httpivr/json_value.hpp"

namespace es::httpivr_test {

struct SeenRequest {
  std::string path;
  std::string body;
  bool signature_ok = false;
  apps::httpivr::JsonValue json;  // null when the body was not JSON
  std::string field(std::string_view name) const { return json.text(name).value_or("<none>"); }
};

struct Answer {
  int status = 200;
  std::string body;
  std::chrono::milliseconds delay{0};
};

class WebhookServer {
 public:
  using Script = std::function<Answer(const SeenRequest&)>;
  WebhookServer(std::string secret, Script script);
  ~WebhookServer();
  WebhookServer(const WebhookServer&) = delete;
  WebhookServer& operator=(const WebhookServer&) = delete;

  std::string url(std::string_view path) const;
  // Serves `content` to GET `path` (media for play); gets() counts those requests.
  void add_file(const std::string& path, std::string content);
  int gets(const std::string& path) const;
  std::vector<SeenRequest> requests() const;
  std::vector<std::string> paths() const;
  // Waits until a request to `path` has arrived (true) or the timeout passed (false).
  bool wait_for(std::string_view path, std::chrono::milliseconds timeout) const;

 private:
  std::string secret_;
  Script script_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  mutable std::condition_variable arrived_;
  std::vector<SeenRequest> requests_;
  std::map<std::string, std::string> files_;
  std::map<std::string, int> gets_;
};

}  // namespace es::httpivr_test
