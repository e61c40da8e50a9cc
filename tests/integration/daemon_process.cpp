#include "daemon_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>

#ifndef ES_DAEMON_PATH
#error "ES_DAEMON_PATH must name the eventswitch binary"
#endif

namespace es::itest {
namespace {

using namespace std::chrono_literals;
constexpr std::string_view kListeningText = "event socket listening on ";
constexpr auto kStartTimeout = 10s;

// Port from "...listening on 127.0.0.1:4321" or "...listening on [::1]:4321".
unsigned short parse_listening_port(std::string_view text) {
  auto at = text.find(kListeningText);
  if (at == std::string_view::npos) return 0;
  std::string_view rest = text.substr(at + kListeningText.size());
  auto end = rest.find_first_of(" \t\r\n");
  if (end == std::string_view::npos) return 0;  // the line is not complete yet
  std::string_view address = rest.substr(0, end);
  auto colon = address.rfind(':');
  if (colon == std::string_view::npos) return 0;
  unsigned long port = 0;
  for (char c : address.substr(colon + 1)) {
    if (c < '0' || c > '9') return 0;
    port = port * 10 + static_cast<unsigned long>(c - '0');
    if (port > 65535) return 0;
  }
  return static_cast<unsigned short>(port);
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

std::vector<std::string> DaemonProcess::default_args(std::vector<std::string> extra) {
  std::vector<std::string> args = {"--listen-ip", "127.0.0.1", "--listen-port", "0", "--no-color"};
  // A HEARTBEAT landing in a test subscribed to ALL would only add noise: keep it away
  // unless the test asks for one.
  if (std::find(extra.begin(), extra.end(), "--heartbeat-interval") == extra.end()) {
    args.insert(args.end(), {"--heartbeat-interval", "3600"});
  }
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

DaemonProcess::DaemonProcess(std::vector<std::string> args, bool expect_listening) {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return;
  std::vector<std::string> argv_storage;
  argv_storage.emplace_back(ES_DAEMON_PATH);
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  argv.reserve(argv_storage.size() + 1);
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_ = fork();
  if (pid_ == 0) {
    // Child: stderr into the pipe, stdout discarded, stdin closed to /dev/null.
    dup2(pipe_fds[1], 2);
    int null_fd = open("/dev/null", O_RDWR);
    if (null_fd >= 0) {
      dup2(null_fd, 0);
      dup2(null_fd, 1);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  if (pid_ < 0) {
    close(pipe_fds[0]);
    return;
  }
  stderr_fd_ = pipe_fds[0];
  reader_ = std::thread([this] { drain_stderr(); });
  if (!expect_listening) return;

  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, kStartTimeout, [this] {
    port_ = parse_listening_port(stderr_);
    return port_ != 0 || stderr_closed_;
  });
}

DaemonProcess::~DaemonProcess() {
  if (pid_ > 0 && !exit_code_) {
    if (!terminate(5s)) {
      kill(pid_, SIGKILL);
      wait_exit(5s);
    }
  }
  if (reader_.joinable()) reader_.join();
  if (stderr_fd_ >= 0) close(stderr_fd_);
}

void DaemonProcess::drain_stderr() {
  char buffer[4096];
  for (;;) {
    ssize_t n = read(stderr_fd_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    std::lock_guard lock(mutex_);
    if (n <= 0) {
      stderr_closed_ = true;
      changed_.notify_all();
      return;
    }
    stderr_.append(buffer, static_cast<std::size_t>(n));
    changed_.notify_all();
  }
}

bool DaemonProcess::reap(bool block_briefly) {
  if (exit_code_) return true;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exit_code_ = decode_status(status);
    return true;
  }
  if (block_briefly) std::this_thread::sleep_for(5ms);
  return false;
}

std::optional<int> DaemonProcess::wait_exit(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return std::nullopt;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!reap(true)) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
  }
  return exit_code_;
}

std::optional<int> DaemonProcess::terminate(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return std::nullopt;
  if (!exit_code_ && !term_sent_) {
    kill(pid_, SIGTERM);
    term_sent_ = true;
  }
  return wait_exit(timeout);
}

std::string DaemonProcess::stderr_text() const {
  std::lock_guard lock(mutex_);
  return stderr_;
}

bool DaemonProcess::wait_for_stderr(std::string_view needle,
                                    std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    return stderr_.find(needle) != std::string::npos || stderr_closed_;
  }) && stderr_.find(needle) != std::string::npos;
}

bool DaemonProcess::wait_stderr_closed(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return stderr_closed_; });
}

}  // namespace es::itest
