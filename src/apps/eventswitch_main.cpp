// The eventswitch daemon: parses the command line, then runs the daemon.
#include <fcntl.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "apps/daemon.hpp"
#include "core/log_bus.hpp"

int main(int argc, char** argv) {
  es::apps::DaemonOptions options;
  CLI::App app{"eventswitch: a FreeSWITCH-compatible event socket server and switch core"};
  app.set_version_flag("-v,--version", "eventswitch 0.1.0 (FreeSWITCH event socket protocol)");
  app.add_option("-c,--conf", options.conf_dir,
                 "FreeSWITCH-style configuration directory (default: embedded defaults)");
  std::string listen_ip;
  int listen_port = -1;
  int sip_port = -1;
  app.add_option("--sip-port", sip_port,
                 "start the embedded SIP profile internal on this UDP/TCP port; with sofia.conf "
                 "in --conf, the port of profile internal (or the first) (docs/sip.md)")
      ->check(CLI::Range(1, 65535));
  std::string sip_ip;
  app.add_option("--sip-ip", sip_ip,
                 "the SIP and RTP address of that profile (default 127.0.0.1, or sofia.conf's)");
  std::string password;
  app.add_option("--listen-ip", listen_ip, "override the event socket listen-ip");
  app.add_option("--listen-port", listen_port, "override listen-port (0: any free port)")
      ->check(CLI::Range(0, 65535));
  int tls_listen_port = -1;
  app.add_option("--tls-listen-port", tls_listen_port,
                 "override tls-listen-port of the TLS listener (0: any free port)")
      ->check(CLI::Range(0, 65535));
  app.add_option("--metrics-listen", options.metrics_listen,
                 "serve Prometheus metrics at http://IP:PORT/metrics (overrides metrics-listen)");
  std::string password_file;
  auto* password_option = app.add_option(
      "--password", password,
      "override the event socket password (visible in ps: prefer --password-file or the "
      "EVENTSWITCH_PASSWORD environment variable)");
  app.add_option("--password-file", password_file,
                 "read the event socket password from the first line of this file")
      ->excludes(password_option);
  app.add_option("--log-file", options.log_file, "append log lines to this file");
  app.add_option("--log-dir", options.log_dir,
                 "log directory: $${log_dir}, the base of xml_cdr.conf's log-dir (default: the "
                 "--log-file's directory, else ./log)");
  std::string level = "INFO";
  app.add_option("-l,--log-level", level, "console log level (CONSOLE..DEBUG or 0-7)");
  bool no_colour = false;
  app.add_flag("--no-color", no_colour, "plain console log lines");
  app.add_option("--threads", options.threads, "event-loop threads (default: one per core)");
  app.add_option("--heartbeat-interval", options.heartbeat_interval_s,
                 "seconds between HEARTBEAT events")
      ->check(CLI::Range(1, 86400));
  app.add_option("--hostname", options.hostname,
                 "host name the switch reports (FreeSWITCH-Hostname, hostname; default: the "
                 "machine's)");
  app.add_flag("--simulated-time", options.simulated_time,
               "simulated switch clock: calls' time moves only with `api sim_clock advance <ms>`");
  app.add_option("--sound-dir", options.sound_dir, "directory of relative playback paths");
  app.add_option("--recording-dir", options.recording_dir, "directory of relative record paths");
  app.add_option("--pid-file", options.pid_file,
                 "write the process id here once listening (removed on exit)");
  app.add_option("--port-file", options.port_file,
                 "write the event socket's port here once listening (removed on exit; with "
                 "--listen-port 0 the port picked)");
  app.add_option("--upstream", options.upstreams,
                 "gateway mode: serve clients from this FreeSWITCH (or eventswitch) server, "
                 "NAME=HOST:PORT, repeatable (docs/gateway.md); password from "
                 "EVENTSWITCH_UPSTREAM_PASSWORD[_NAME] or --upstream-password-file");
  app.add_option("--upstream-password-file", options.upstream_password_file,
                 "read the password of the --upstream servers from the first line of this file");
  app.add_option("--ready-fd", options.ready_fd,
                 "once listening, write the port and a newline to this inherited descriptor "
                 "and close it")
      ->check(CLI::Range(3, 1 << 20));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help and --version end successfully, printed by CLI11. A bad option or value is a
    // configuration error: status 1 and one line, as for an unusable listen address.
    if (error.get_exit_code() == 0) return app.exit(error);
    std::fprintf(stderr, "eventswitch: %s\n", error.what());
    return 1;
  }

  if (options.ready_fd >= 0 && fcntl(options.ready_fd, F_SETFD, FD_CLOEXEC) != 0) {
    std::fprintf(stderr, "eventswitch: --ready-fd %d is not an open descriptor\n",
                 options.ready_fd);
    return 1;
  }
  if (!listen_ip.empty()) options.listen_ip = listen_ip;
  if (listen_port >= 0) options.listen_port = listen_port;
  if (tls_listen_port >= 0) options.tls_listen_port = tls_listen_port;
  if (sip_port > 0) options.sip_port = sip_port;
  if (!sip_ip.empty()) options.sip_ip = sip_ip;
  // Precedence: --password, --password-file, EVENTSWITCH_PASSWORD, the configuration.
  if (!password_file.empty()) {
    std::ifstream file(password_file);
    if (!file || !std::getline(file, password)) {
      std::fprintf(stderr, "eventswitch: cannot read a password from %s\n", password_file.c_str());
      return 1;
    }
    if (!password.empty() && password.back() == '\r') password.pop_back();
    if (password.empty()) {
      std::fprintf(stderr, "eventswitch: the first line of %s is empty\n", password_file.c_str());
      return 1;
    }
  } else if (const char* env = std::getenv("EVENTSWITCH_PASSWORD"); password.empty() && env) {
    password = env;
  }
  if (!password.empty()) options.password = password;
  auto parsed = es::core::parse_log_level(level);
  if (!parsed) {
    std::fprintf(stderr, "eventswitch: invalid log level %s\n", level.c_str());
    return 1;
  }
  options.log_level = *parsed;
  options.log_level_given = app.count("--log-level") > 0;
  options.colour = !no_colour && isatty(2);
  return es::apps::run_daemon(options);
}
