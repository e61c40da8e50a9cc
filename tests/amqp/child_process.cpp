#include "child_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <thread>

namespace es::amqptest {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

ChildProcess::ChildProcess(std::vector<std::string> argv, const std::vector<std::string>& env,
                           const std::string& stderr_path, std::optional<std::string> stdin_text) {
  int out_pipe[2];
  int in_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return;
  if (pipe2(in_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return;
  }
  // Everything the child needs is prepared before fork: only async-signal-safe calls after.
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  // The environment is ours plus `env` (NAME=value entries override ours).
  std::vector<std::string> environment;
  for (char** e = environ; *e; ++e) {
    std::string_view entry(*e);
    bool overridden = false;
    for (const auto& o : env) {
      auto eq = o.find('=');
      if (eq != std::string::npos &&
          entry.substr(0, eq + 1) == std::string_view(o).substr(0, eq + 1)) {
        overridden = true;
      }
    }
    if (!overridden) environment.emplace_back(entry);
  }
  for (const auto& o : env) environment.push_back(o);
  std::vector<char*> envp;
  envp.reserve(environment.size() + 1);
  for (auto& e : environment) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string err_path = stderr_path.empty() ? "/dev/null" : stderr_path;
  pid_ = fork();
  if (pid_ == 0) {
    setpgid(0, 0);
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (err >= 0) dup2(err, 2);
    execvpe(args[0], args.data(), envp.data());
    _exit(127);
  }
  ::close(out_pipe[1]);
  ::close(in_pipe[0]);
  stdout_fd_ = out_pipe[0];
  if (stdin_text) {
    std::string_view rest = *stdin_text;
    while (!rest.empty()) {
      ssize_t n = ::write(in_pipe[1], rest.data(), rest.size());
      if (n <= 0) break;
      rest.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  ::close(in_pipe[1]);
}

ChildProcess::~ChildProcess() {
  stop();
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
}

bool ChildProcess::fill(Clock::time_point deadline) {
  if (eof_ || stdout_fd_ < 0) return false;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  if (left.count() < 0) return false;
  pollfd fd{stdout_fd_, POLLIN, 0};
  if (::poll(&fd, 1, static_cast<int>(left.count())) <= 0) return false;
  char buffer[65536];
  ssize_t n = ::read(stdout_fd_, buffer, sizeof(buffer));
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  pending_.append(buffer, static_cast<std::size_t>(n));
  return true;
}

std::optional<std::string> ChildProcess::read_line(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    auto newline = pending_.find('\n');
    if (newline != std::string::npos) {
      std::string line = pending_.substr(0, newline);
      pending_.erase(0, newline + 1);
      return line;
    }
    if (!fill(deadline)) return std::nullopt;
  }
}

std::string ChildProcess::read_all(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (fill(deadline)) {
  }
  std::string out = std::move(pending_);
  pending_.clear();
  return out;
}

std::optional<int> ChildProcess::wait(std::chrono::milliseconds timeout) {
  if (exit_code_) return exit_code_;
  if (pid_ <= 0) return std::nullopt;
  auto deadline = Clock::now() + timeout;
  for (;;) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return exit_code_;
    }
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(20ms);
  }
}

void ChildProcess::stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return;
  // The whole group, not just the leader: a broker's script leaves the real server (its
  // child) shutting down after the script itself exits.
  auto group_alive = [&] {
    wait(0ms);
    return ::kill(-pid_, 0) == 0;
  };
  if (!group_alive()) return;
  ::kill(-pid_, SIGTERM);
  auto deadline = Clock::now() + grace;
  while (group_alive() && Clock::now() < deadline) std::this_thread::sleep_for(20ms);
  if (group_alive()) {
    ::kill(-pid_, SIGKILL);
    wait(5s);
  }
}

CommandResult run_command(std::vector<std::string> argv, std::chrono::milliseconds timeout,
                          std::optional<std::string> stdin_text) {
  ChildProcess child(std::move(argv), {}, {}, std::move(stdin_text));
  CommandResult result;
  result.out = child.read_all(timeout);
  auto code = child.wait(timeout);
  result.exit_code = code ? *code : -1;
  return result;
}

unsigned short free_tcp_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  unsigned short port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

bool port_open(unsigned short port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

}  // namespace es::amqptest
