// Runs the httpivr program as a child process for the tests: a free port chosen for it, its
// stderr kept in a file (the per-request log lines and the end-of-call leak check).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace es::httpivr_test {

class HttpivrProcess {
 public:
  // Starts ES_HTTPIVR_PATH with --listen 127.0.0.1:<free port> plus `args`; waits until it
  // accepts connections (check running()).
  explicit HttpivrProcess(std::vector<std::string> args);
  ~HttpivrProcess();
  HttpivrProcess(const HttpivrProcess&) = delete;
  HttpivrProcess& operator=(const HttpivrProcess&) = delete;

  bool running() const { return ready_; }
  unsigned short port() const { return port_; }
  std::string log() const;
  // Waits for the program to exit by itself (true), at most `timeout`.
  bool wait_for_exit(std::chrono::milliseconds timeout);
  // Waits until the log contains `needle`.
  bool wait_for_log(std::string_view needle, std::chrono::milliseconds timeout) const;

 private:
  pid_t pid_ = -1;
  unsigned short port_ = 0;
  bool ready_ = false;
  std::string log_path_;
};

}  // namespace es::httpivr_test
