// Helpers for tests that start the daemon with --conf: a temporary FreeSWITCH-style conf
// directory, the daemon's arguments for it, a raw client bound to a chosen source address
// (for ACL tests) and a one-shot run of the binary that captures its output.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "daemon_process.hpp"
#include "test_client.hpp"

namespace es::itest {

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class ConfDir {
 public:
  ConfDir();
  ~ConfDir();
  ConfDir(const ConfDir&) = delete;
  ConfDir& operator=(const ConfDir&) = delete;

  const std::string& path() const { return path_; }
  // Writes `text` to path()/relative, creating parent directories (replaces an older file).
  void write(std::string_view relative, std::string_view text) const;

 private:
  std::string path_;
};

// <configuration name="event_socket.conf"> with the given <param> lines (already formatted).
std::string event_socket_conf(std::string_view param_lines);
// <param name="..." value="..."/>
std::string param(std::string_view name, std::string_view value);

// default_args plus --conf DIR (127.0.0.1, any free port: the command line wins over the conf).
std::vector<std::string> conf_args(const ConfDir& conf, std::vector<std::string> extra = {});

// A blocking IPv4 connection from `source_ip` (any port) to 127.0.0.1:`port`; -1 on failure.
int connect_from(std::string_view source_ip, unsigned short port);
// Reads until the peer closes or `timeout` passes; `closed` says which happened.
std::string read_until_closed(int fd, std::chrono::milliseconds timeout, bool* closed);
// Exactly `n` bytes, or fewer on close / timeout.
std::string read_exactly(int fd, std::size_t n, std::chrono::milliseconds timeout);
bool send_all(int fd, std::string_view bytes);

struct RunResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};
// Runs the daemon binary with `args` to completion (at most `timeout`; killed after that).
RunResult run_daemon_binary(const std::vector<std::string>& args,
                            std::chrono::milliseconds timeout = std::chrono::seconds(10));

// The rude rejection and goodbye an ACL-denied peer receives (docs/wire-protocol.md §3.1, §2).
inline constexpr std::string_view kRudeRejectionBytes =
    "Content-Type: text/rude-rejection\nContent-Length: 24\n\nAccess Denied, go away.\n"
    "Content-Type: text/disconnect-notice\nContent-Length: 67\n\n"
    "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n";

}  // namespace es::itest
