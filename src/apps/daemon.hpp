// Assembles the eventswitch daemon: runtime, configuration, event socket server, heartbeat,
// signals. main() only parses the command line and calls run().
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace es::apps {

struct DaemonOptions {
  std::string conf_dir;                  // empty: embedded defaults
  std::optional<std::string> listen_ip;  // overrides the configuration
  std::optional<int> listen_port;        // 0 picks a free port
  std::optional<std::string> password;
  std::optional<int> tls_listen_port;  // overrides tls-listen-port; 0 picks a free port
  std::string metrics_listen;          // ip:port, overrides metrics-listen
  std::string log_file;
  // FreeSWITCH's log directory ($${log_dir}; CDR files go below it): --log-dir, else the
  // directory of --log-file, else ./log (made absolute at start).
  std::string log_dir;
  int log_level = 6;  // console level (INFO)
  // --log-level was on the command line: switch.conf's loglevel yields.
  bool log_level_given = false;
  bool colour = true;
  int threads = 0;  // event-loop threads; 0: one per core
  int heartbeat_interval_s = 20;
  // The switch clock starts at the real time and moves only through `sim_clock advance`.
  bool simulated_time = false;
  // Replaces the machine's host name in events and commands (several switches on one
  // machine publishing to one broker need distinct names); empty: the machine's.
  std::string hostname;
  std::string sound_dir;      // relative playback paths
  std::string recording_dir;  // relative record paths
  // The embedded SIP profile `internal` (docs/sip.md): off unless a port is given, so that
  // several daemons on one machine (tests) do not fight over 5060. With sofia.conf in the
  // configuration they override profile internal's (or the first profile's) address and port.
  std::optional<int> sip_port;
  std::optional<std::string> sip_ip;
  // Written once the event socket listens, removed on exit (apps/run_files.hpp).
  std::string pid_file;
  std::string port_file;
  int ready_fd = -1;  // gets "<port>\n", then is closed
  // Gateway mode (docs/gateway.md): "NAME=HOST:PORT" each, added to event_socket.conf's
  // <upstreams>; their password comes from the environment or this file.
  std::vector<std::string> upstreams;
  std::string upstream_password_file;
};

int run_daemon(const DaemonOptions& options);

}  // namespace es::apps
