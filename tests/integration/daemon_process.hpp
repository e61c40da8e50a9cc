// Runs the eventswitch daemon as a child process for integration tests: starts it with
// chosen arguments, learns its port from the "listening" log line, captures stderr, and
// stops it with SIGTERM.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace es::itest {

class DaemonProcess {
 public:
  // Starts ES_DAEMON_PATH with `args`. Unless `expect_listening` is false, waits up to
  // 10 s for "event socket listening on <addr>:<port>" on stderr; check listening().
  explicit DaemonProcess(std::vector<std::string> args, bool expect_listening = true);
  ~DaemonProcess();
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  // The usual test daemon: 127.0.0.1, any free port, no colour, plus `extra` arguments.
  static std::vector<std::string> default_args(std::vector<std::string> extra = {});

  bool listening() const { return port_ != 0; }
  unsigned short port() const { return port_; }
  pid_t pid() const { return pid_; }

  // Sends SIGTERM (once) and waits for the exit; nullopt if it did not exit in time.
  std::optional<int> terminate(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Waits for the process to exit by itself; the raw waitpid status is decoded into an
  // exit code (128 + signal number for a signal). nullopt on timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  std::optional<int> exit_code() const { return exit_code_; }

  // Everything the daemon wrote to stderr so far.
  std::string stderr_text() const;
  // Waits until stderr contains `needle` (or the stream ends, or the timeout passes).
  bool wait_for_stderr(std::string_view needle, std::chrono::milliseconds timeout) const;
  // Waits until the daemon's stderr reaches end of file (it exited).
  bool wait_stderr_closed(std::chrono::milliseconds timeout) const;

 private:
  void drain_stderr();
  bool reap(bool block_briefly);

  pid_t pid_ = -1;
  int stderr_fd_ = -1;
  unsigned short port_ = 0;
  std::optional<int> exit_code_;
  bool term_sent_ = false;
  std::thread reader_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::string stderr_;
  bool stderr_closed_ = false;
};

}  // namespace es::itest
