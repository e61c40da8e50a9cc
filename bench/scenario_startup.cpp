// startup: time from exec of the daemon to the first auth/request on a connection, median of
// R runs. The daemon listens on a free port (--listen-port 0) and names it on stderr.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <csignal>
#include <optional>
#include <sstream>
#include <vector>

#include "json_line.hpp"
#include "load_runtime.hpp"
#include "scenarios.hpp"

extern char** environ;

namespace es::bench {
namespace {

constexpr std::string_view kListeningText = "event socket listening on ";

struct StartupRun {
  double log_line_ms = 0;      // exec -> "listening" line on stderr
  double auth_request_ms = 0;  // exec -> auth/request received on a new connection
};

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Reads stderr until the listening line; returns the port, or nullopt on exit/timeout.
std::optional<int> wait_for_port(int fd, Clock::time_point give_up) {
  std::string pending;
  char buffer[4096];
  while (Clock::now() < give_up) {
    pollfd waiting{fd, POLLIN, 0};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(give_up - Clock::now());
    if (poll(&waiting, 1, static_cast<int>(std::max<std::int64_t>(left.count(), 1))) <= 0) continue;
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) return std::nullopt;  // the daemon exited
    pending.append(buffer, static_cast<std::size_t>(n));
    std::size_t at = pending.find(kListeningText);
    if (at == std::string::npos) continue;
    std::size_t line_end = pending.find('\n', at);
    if (line_end == std::string::npos) continue;
    std::string_view address(pending.data() + at + kListeningText.size(),
                             line_end - at - kListeningText.size());
    std::size_t colon = address.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    int port = 0;
    auto digits = address.substr(colon + 1);
    std::from_chars(digits.data(), digits.data() + digits.size(), port);
    return port > 0 ? std::optional<int>(port) : std::nullopt;
  }
  return std::nullopt;
}

// Connects to 127.0.0.1:port and waits for the auth/request message.
bool wait_for_auth_request(int port, Clock::time_point give_up) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  std::string received;
  char buffer[256];
  while (ok && Clock::now() < give_up &&
         received.find("Content-Type: auth/request\n\n") == std::string::npos) {
    pollfd waiting{fd, POLLIN, 0};
    if (poll(&waiting, 1, 100) <= 0) continue;
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0)
      ok = false;
    else
      received.append(buffer, static_cast<std::size_t>(n));
  }
  close(fd);
  return ok && received.find("Content-Type: auth/request\n\n") != std::string::npos;
}

void stop_daemon(pid_t pid) {
  kill(pid, SIGTERM);
  auto give_up = Clock::now() + std::chrono::seconds(5);
  int status = 0;
  while (Clock::now() < give_up) {
    if (waitpid(pid, &status, WNOHANG) == pid) return;
    usleep(2000);
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
}

std::optional<StartupRun> one_run(const StartupOptions& options, const CommonOptions& common,
                                  std::string& error) {
  std::vector<std::string> args = {options.daemon, "--listen-port", "0",
                                   "--no-color",   "--password",    common.password};
  std::istringstream extra(options.extra_args);
  for (std::string word; extra >> word;) args.push_back(word);
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    error = "pipe failed";
    return std::nullopt;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
  pid_t pid = 0;
  auto start = Clock::now();
  int spawned = posix_spawn(&pid, options.daemon.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  if (spawned != 0) {
    close(pipe_fds[0]);
    error = fmt::format("cannot start {}", options.daemon);
    return std::nullopt;
  }
  auto give_up = start + std::chrono::seconds(10);
  StartupRun run;
  std::optional<int> port = wait_for_port(pipe_fds[0], give_up);
  run.log_line_ms = ms_since(start);
  bool answered = port && wait_for_auth_request(*port, give_up);
  run.auth_request_ms = ms_since(start);
  stop_daemon(pid);
  close(pipe_fds[0]);
  if (!port)
    error = "no listening line on stderr within 10 s";
  else if (!answered)
    error = "no auth/request within 10 s";
  if (!port || !answered) return std::nullopt;
  return run;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  std::size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

}  // namespace

int run_startup(const CommonOptions& common, const StartupOptions& options) {
  if (options.daemon.empty() || access(options.daemon.c_str(), X_OK) != 0 || options.runs < 1) {
    fmt::print(stderr, "startup: --daemon must name an executable and --runs be >= 1\n");
    return 2;
  }
  std::vector<double> log_line, accept;
  std::string error;
  int failures = 0;
  auto give_up = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(common.timeout_s));
  for (int i = 0; i < options.runs && Clock::now() < give_up; ++i) {
    if (auto run = one_run(options, common, error)) {
      log_line.push_back(run->log_line_ms);
      accept.push_back(run->auth_request_ms);
    } else {
      ++failures;
    }
  }
  JsonLine out;
  out.add("scenario", "startup")
      .add("label", common.label)
      .add("runs", static_cast<std::uint64_t>(accept.size()))
      .add("failures", failures)
      .add("median_ms", median(accept))
      .add("min_ms", accept.empty() ? 0.0 : *std::min_element(accept.begin(), accept.end()))
      .add("max_ms", accept.empty() ? 0.0 : *std::max_element(accept.begin(), accept.end()))
      .add("median_log_line_ms", median(log_line));
  if (!error.empty()) out.add("first_error", error);
  out.print();
  return failures == 0 && !accept.empty() ? 0 : 1;
}

}  // namespace es::bench
