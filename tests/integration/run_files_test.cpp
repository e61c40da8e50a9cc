// CI conveniences: --port-file, --pid-file and --ready-fd tell a harness where the daemon
// listens without reading its log, and the files are gone once it has exited.
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include "daemon_process.hpp"
#include "event_frames.hpp"
#include "test_client.hpp"

namespace es::itest {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// A scratch directory removed with the test.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "es-runfiles.XXXXXX").string();
    if (mkdtemp(pattern.data())) path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    if (!path_.empty()) fs::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::optional<std::string> read_text(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The file's text once it exists (it is written by a rename, so it is whole when it appears).
std::optional<std::string> wait_for_file(const fs::path& path, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto text = read_text(path)) return text;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(10ms);
  }
}

std::size_t entries(const fs::path& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir)) ++n;
  return n;
}

TEST(RunFiles, PortFileHoldsThePickedPortAndBothFilesGoAwayOnSigterm) {
  ScratchDir scratch;
  ASSERT_FALSE(scratch.path().empty());
  fs::path port_file = scratch.path() / "eventswitch.port";
  fs::path pid_file = scratch.path() / "eventswitch.pid";
  DaemonProcess daemon(DaemonProcess::default_args(
      {"--port-file", port_file.string(), "--pid-file", pid_file.string()}));
  ASSERT_TRUE(daemon.listening()) << daemon.stderr_text();

  auto port_text = wait_for_file(port_file, 5s);
  ASSERT_TRUE(port_text) << "no port file; stderr:\n" << daemon.stderr_text();
  EXPECT_EQ(*port_text, std::to_string(daemon.port()) + "\n");
  auto pid_text = wait_for_file(pid_file, 5s);
  ASSERT_TRUE(pid_text);
  EXPECT_EQ(*pid_text, std::to_string(daemon.pid()) + "\n");
  EXPECT_EQ(entries(scratch.path()), 2u) << "a temporary file was left behind";

  // A client finds the daemon through the file alone.
  unsigned short port = static_cast<unsigned short>(std::stoul(*port_text));
  ASSERT_NE(port, 0);
  TestClient client;
  ASSERT_TRUE(connect_and_auth(client, port, "ClueCon"));
  ASSERT_TRUE(client.send("api status\n\n"));
  auto reply = client.read_frame();
  ASSERT_TRUE(reply);
  EXPECT_TRUE(reply->message.body.starts_with("UP ")) << reply->raw;
  client.close();

  auto status = daemon.terminate(5s);
  ASSERT_TRUE(status) << "the daemon did not exit after SIGTERM";
  EXPECT_EQ(*status, 0);
  EXPECT_FALSE(fs::exists(port_file));
  EXPECT_FALSE(fs::exists(pid_file));
  EXPECT_EQ(entries(scratch.path()), 0u);
}

// --ready-fd: the port and a newline, then end of file (the daemon closed its copy).
TEST(RunFiles, ReadyFdGetsThePortThenIsClosed) {
  int fds[2];
  ASSERT_EQ(pipe2(fds, O_CLOEXEC), 0);
  // Only the write end reaches the daemon (DaemonProcess forks and execs).
  ASSERT_EQ(fcntl(fds[1], F_SETFD, 0), 0);
  DaemonProcess daemon(DaemonProcess::default_args({"--ready-fd", std::to_string(fds[1])}));
  close(fds[1]);
  ASSERT_TRUE(daemon.listening()) << daemon.stderr_text();

  std::string text;
  char buffer[64];
  auto deadline = std::chrono::steady_clock::now() + 5s;
  for (;;) {
    pollfd readable{fds[0], POLLIN, 0};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    ASSERT_GT(left.count(), 0) << "the ready descriptor was not closed; read: " << text;
    if (poll(&readable, 1, static_cast<int>(left.count())) <= 0) continue;
    ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  EXPECT_EQ(text, std::to_string(daemon.port()) + "\n");
}

// A pid file that cannot be written: exit 1 with one line, nothing left behind.
TEST(RunFiles, UnwritablePidFileExitsWithStatusOne) {
  ScratchDir scratch;
  fs::path port_file = scratch.path() / "port";
  fs::path pid_file = scratch.path() / "missing-dir" / "pid";
  DaemonProcess daemon(DaemonProcess::default_args(
                           {"--port-file", port_file.string(), "--pid-file", pid_file.string()}),
                       false);
  auto status = daemon.wait_exit(5s);
  ASSERT_TRUE(status) << daemon.stderr_text();
  EXPECT_EQ(*status, 1);
  EXPECT_NE(daemon.stderr_text().find("missing-dir"), std::string::npos) << daemon.stderr_text();
  EXPECT_EQ(entries(scratch.path()), 0u);
}

TEST(RunFiles, ReadyFdMustBeOpen) {
  DaemonProcess daemon(DaemonProcess::default_args({"--ready-fd", "987"}), false);
  auto status = daemon.wait_exit(5s);
  ASSERT_TRUE(status);
  EXPECT_EQ(*status, 1);
  EXPECT_NE(daemon.stderr_text().find("--ready-fd 987"), std::string::npos) << daemon.stderr_text();
}

}  // namespace
}  // namespace es::itest
