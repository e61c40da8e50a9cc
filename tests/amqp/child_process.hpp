// A child process for the AMQP tests (broker, amqp-consume, node): started with an argument
// vector and extra environment, its stdout read line by line with timeouts, stopped by its
// process group so a shell wrapper's children go with it.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace es::amqptest {

class ChildProcess {
 public:
  // Starts argv[0] (looked up in PATH) in its own process group. `stdin_text`, when given,
  // is written to its standard input, which is then closed. stderr goes to `stderr_path`
  // (or /dev/null when empty).
  ChildProcess(std::vector<std::string> argv, const std::vector<std::string>& env = {},
               const std::string& stderr_path = {}, std::optional<std::string> stdin_text = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  // The next stdout line without its newline; nullopt on timeout or end of output.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  // Everything on stdout until the child closes it (or the timeout passes).
  std::string read_all(std::chrono::milliseconds timeout);
  // Waits for the exit; the exit code (128 + signal), nullopt on timeout.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  // SIGTERM to the group, then SIGKILL after `grace`; waits for the exit.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string pending_;
  bool eof_ = false;
  std::optional<int> exit_code_;
};

// Runs a command to completion: its exit code and stdout.
struct CommandResult {
  int exit_code = -1;
  std::string out;
};
CommandResult run_command(std::vector<std::string> argv,
                          std::chrono::milliseconds timeout = std::chrono::seconds(30),
                          std::optional<std::string> stdin_text = {});

// A TCP port nothing listens on right now (bound to port 0, then released).
unsigned short free_tcp_port();
// Whether something accepts TCP connections on 127.0.0.1:port.
bool port_open(unsigned short port);

}  // namespace es::amqptest
