#include "httpivr_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace es::httpivr_test {
namespace {

using namespace std::chrono_literals;

// A port nobody listens on right now (bound, read, released).
unsigned short free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof addr;
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size) == 0;
  ::close(fd);
  return ok ? ntohs(addr.sin_port) : 0;
}

}  // namespace

HttpivrProcess::HttpivrProcess(std::vector<std::string> args) {
  port_ = free_port();
  char log_template[] = "/tmp/httpivr-test-XXXXXX";
  int log_fd = ::mkstemp(log_template);
  log_path_ = log_template;
  std::vector<std::string> argv_text = {ES_HTTPIVR_PATH, "--listen",
                                        "127.0.0.1:" + std::to_string(port_)};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  argv.reserve(argv_text.size() + 1);
  for (std::string& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, log_fd, STDERR_FILENO);
  // Not the test's stdout: if the test process dies (a sanitizer report), an httpivr still
  // holding ctest's pipe kept ctest waiting for ever.
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  if (::posix_spawn(&pid_, ES_HTTPIVR_PATH, &actions, nullptr, argv.data(), environ) != 0) {
    pid_ = -1;
  }
  posix_spawn_file_actions_destroy(&actions);
  ::close(log_fd);
  for (int i = 0; i < 500 && pid_ > 0 && !ready_; ++i) {
    // Logged after the socket listens. (No connection probe: httpivr would count it as a
    // call, which --max-calls tests notice.)
    ready_ = log().find("listening on") != std::string::npos;
    if (!ready_) std::this_thread::sleep_for(10ms);
  }
}

HttpivrProcess::~HttpivrProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  if (!log_path_.empty() && std::getenv("HTTPIVR_TEST_KEEP_LOG") == nullptr) {
    ::unlink(log_path_.c_str());
  }
}

bool HttpivrProcess::wait_for_exit(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (pid_ > 0 && std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return true;
    }
    std::this_thread::sleep_for(20ms);
  }
  return pid_ <= 0;
}

std::string HttpivrProcess::log() const {
  std::ifstream in(log_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool HttpivrProcess::wait_for_log(std::string_view needle,
                                  std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (log().find(needle) != std::string::npos) return true;
    std::this_thread::sleep_for(20ms);
  }
  return log().find(needle) != std::string::npos;
}

}  // namespace es::httpivr_test
