// es_load: load generator for the event socket. One subcommand per scenario; each prints one
// JSON line of results on stdout. Only loopback targets are accepted: this tool opens
// thousands of connections and must never be pointed at somebody else's server.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <csignal>

#include "scenarios.hpp"

namespace es::bench {

bool make_target(const CommonOptions& common, Target& target) {
  std::error_code ec;
  auto address = asio::ip::make_address(common.host, ec);
  if (ec || !address.is_loopback()) {
    fmt::print(stderr, "es_load: --host must be a numeric loopback address (got {})\n",
               common.host);
    return false;
  }
  if (common.port < 1 || common.port > 65535) {
    fmt::print(stderr, "es_load: --port must be 1..65535\n");
    return false;
  }
  target.endpoint = tcp::endpoint(address, static_cast<unsigned short>(common.port));
  target.password = common.password;
  return true;
}

}  // namespace es::bench

namespace {

void add_common(CLI::App& command, es::bench::CommonOptions& common) {
  command.add_option("--host", common.host, "server address (loopback only)");
  command.add_option("--port", common.port, "server port");
  command.add_option("--password", common.password, "event socket password");
  command.add_option("--threads", common.threads, "load tool event-loop threads")
      ->check(CLI::Range(1, 64));
  command.add_option("--timeout", common.timeout_s, "hard bound on the scenario, seconds")
      ->check(CLI::Range(1.0, 3600.0));
  command.add_option("--label", common.label, "free text copied into the result line");
}

}  // namespace

int main(int argc, char** argv) {
  using namespace es::bench;
  // A peer closing while we write must surface as an error code, not kill the tool.
  std::signal(SIGPIPE, SIG_IGN);

  CLI::App app{"es_load: event socket load generator (prints one JSON line per run)"};
  app.require_subcommand(1);
  CommonOptions common;

  FanoutOptions fanout;
  auto* fanout_cmd = app.add_subcommand("fanout", "N subscribers, P publishers of sendevent");
  add_common(*fanout_cmd, common);
  fanout_cmd->add_option("--subscribers", fanout.subscribers)->check(CLI::Range(1, 20000));
  fanout_cmd->add_option("--format", fanout.format)->check(CLI::IsMember({"plain", "json", "xml"}));
  fanout_cmd->add_option("--events", fanout.events, "events in total")
      ->check(CLI::Range(1, 100'000'000));
  fanout_cmd->add_option("--publishers", fanout.publishers)->check(CLI::Range(1, 1000));
  fanout_cmd->add_option("--window", fanout.window, "sendevents in flight per publisher")
      ->check(CLI::Range(1, 10000));
  fanout_cmd->add_option("--rate", fanout.rate, "total events/s (0: as fast as possible)")
      ->check(CLI::Range(0.0, 10'000'000.0));
  fanout_cmd->add_option("--tls-port", fanout.tls_port, "subscribers connect here with TLS")
      ->check(CLI::Range(1, 65535));
  fanout_cmd->add_option("--ca", fanout.ca_file, "CA file verifying the TLS port's certificate");
  fanout_cmd->add_option("--pad-bytes", fanout.pad_bytes, "filler header size per event")
      ->check(CLI::Range(0, 1'000'000));
  fanout_cmd
      ->add_option("--publish-port", fanout.publish_port,
                   "publishers connect here instead of --port (a gateway's upstream)")
      ->check(CLI::Range(0, 65535));
  fanout_cmd->add_option("--drain", fanout.drain_s, "seconds without progress that end the run")
      ->check(CLI::Range(0.1, 600.0));

  ApiOptions api;
  auto* api_cmd = app.add_subcommand("api", "closed-loop api round trips");
  add_common(*api_cmd, common);
  api_cmd->add_option("--connections", api.connections)->check(CLI::Range(1, 20000));
  api_cmd->add_option("--seconds", api.seconds)->check(CLI::Range(0.1, 3600.0));
  api_cmd->add_option("--command", api.command, "api command line (e.g. version)");
  api_cmd->add_option("--max-requests", api.max_requests, "per connection")
      ->check(CLI::Range(1, 1'000'000'000));

  BgapiOptions bgapi;
  auto* bgapi_cmd = app.add_subcommand("bgapi", "jobs until every BACKGROUND_JOB arrived");
  add_common(*bgapi_cmd, common);
  bgapi_cmd->add_option("--connections", bgapi.connections)->check(CLI::Range(1, 10000));
  bgapi_cmd->add_option("--jobs", bgapi.jobs)->check(CLI::Range(1, 10'000'000));
  bgapi_cmd->add_option("--command", bgapi.command);
  bgapi_cmd->add_option("--window", bgapi.window)->check(CLI::Range(1, 10000));

  ChurnOptions churn;
  auto* churn_cmd = app.add_subcommand("churn", "connect+auth+exit cycles");
  add_common(*churn_cmd, common);
  churn_cmd->add_option("--seconds", churn.seconds)->check(CLI::Range(0.1, 3600.0));
  churn_cmd->add_option("--concurrency", churn.concurrency)->check(CLI::Range(1, 10000));
  churn_cmd->add_option("--max-cycles", churn.max_cycles)->check(CLI::Range(1, 100'000'000));

  IdleOptions idle;
  auto* idle_cmd = app.add_subcommand("idle", "RSS and descriptors per idle connection");
  add_common(*idle_cmd, common);
  idle_cmd->add_option("--connections", idle.connections)->check(CLI::Range(1, 100000));
  idle_cmd->add_option("--pid", idle.pid, "daemon process id")->required();
  idle_cmd->add_option("--connect-concurrency", idle.connect_concurrency)
      ->check(CLI::Range(1, 10000));
  idle_cmd->add_option("--hold", idle.hold_s, "seconds to hold before sampling")
      ->check(CLI::Range(0.0, 600.0));

  HostileOptions hostile;
  auto* hostile_cmd = app.add_subcommand("hostile", "unauthenticated floods, wrong passwords");
  add_common(*hostile_cmd, common);
  hostile_cmd->add_option("--unauth", hostile.unauth)->check(CLI::Range(0, 100000));
  hostile_cmd->add_option("--wrong-passwords", hostile.wrong_passwords)
      ->check(CLI::Range(0, 1'000'000));
  hostile_cmd->add_option("--cycles", hostile.cycles)->check(CLI::Range(0, 1'000'000));
  hostile_cmd->add_option("--pid", hostile.pid, "daemon process id")->required();
  hostile_cmd->add_option("--concurrency", hostile.concurrency)->check(CLI::Range(1, 10000));
  hostile_cmd->add_option("--probe-interval-ms", hostile.probe_interval_ms)
      ->check(CLI::Range(0.1, 10000.0));
  hostile_cmd->add_option("--flood-bytes", hostile.flood_bytes, "header lines per held connection")
      ->check(CLI::Range(0, 1 << 30));
  hostile_cmd->add_option("--flood-seconds", hostile.flood_s)->check(CLI::Range(0.1, 600.0));
  hostile_cmd->add_option("--hold-seconds", hostile.hold_s, "hold the connections at least")
      ->check(CLI::Range(0.0, 600.0));

  SlowConsumerOptions slow;
  auto* slow_cmd = app.add_subcommand("slow-consumer", "one subscriber never reads");
  add_common(*slow_cmd, common);
  slow_cmd->add_option("--subscribers", slow.subscribers)->check(CLI::Range(1, 10000));
  slow_cmd->add_option("--pid", slow.pid, "daemon process id")->required();
  slow_cmd->add_option("--seconds", slow.seconds, "upper bound on the load phase")
      ->check(CLI::Range(0.5, 3600.0));
  slow_cmd->add_option("--after-kill", slow.after_kill_s)->check(CLI::Range(0.0, 600.0));
  slow_cmd->add_option("--pad-bytes", slow.pad_bytes)->check(CLI::Range(0, 1'000'000));
  slow_cmd->add_option("--rate", slow.rate, "total events/s (0: as fast as possible)")
      ->check(CLI::Range(0.0, 10'000'000.0));
  slow_cmd->add_option("--publishers", slow.publishers)->check(CLI::Range(1, 100));
  slow_cmd->add_option("--window", slow.window)->check(CLI::Range(1, 10000));
  slow_cmd->add_option("--rss-bound-mb", slow.rss_bound_mb)->check(CLI::Range(1, 1'000'000));

  StartupOptions startup;
  auto* startup_cmd = app.add_subcommand("startup", "exec to first auth/request, median");
  add_common(*startup_cmd, common);
  startup_cmd->add_option("--daemon", startup.daemon, "eventswitch binary")->required();
  startup_cmd->add_option("--runs", startup.runs)->check(CLI::Range(1, 1000));
  startup_cmd->add_option("--daemon-args", startup.extra_args, "extra daemon arguments");

  CallsOptions calls;
  auto* calls_cmd = app.add_subcommand("calls", "loopback originate + uuid_kill, calls/s");
  add_common(*calls_cmd, common);
  calls_cmd->add_option("--connections", calls.connections)->check(CLI::Range(1, 1000));
  calls_cmd->add_option("--window", calls.window, "calls in flight per connection")
      ->check(CLI::Range(1, 10000));
  calls_cmd->add_option("--seconds", calls.seconds)->check(CLI::Range(0.1, 3600.0));
  calls_cmd->add_option("--max-calls", calls.max_calls)->check(CLI::Range(1, 1'000'000'000));
  calls_cmd->add_option("--originate", calls.originate_args, "originate arguments");
  calls_cmd->add_flag("--all-events", calls.all_events, "count every event (event plain ALL)");
  calls_cmd->add_option("--max-sessions", calls.max_sessions)->check(CLI::Range(1, 10'000'000));
  calls_cmd->add_option("--sps", calls.sps)->check(CLI::Range(1, 10'000'000));
  calls_cmd->add_option("--drain", calls.drain_s)->check(CLI::Range(0.1, 600.0));
  calls_cmd->add_option("--pid", calls.pid, "daemon process id (optional: RSS before/after)");

  ConcurrentCallsOptions concurrent;
  auto* concurrent_cmd =
      app.add_subcommand("concurrent-calls", "RSS per held parked loopback call, then hupall");
  add_common(*concurrent_cmd, common);
  concurrent_cmd->add_option("--calls", concurrent.calls)->check(CLI::Range(1, 1'000'000));
  concurrent_cmd->add_option("--pid", concurrent.pid, "daemon process id")->required();
  concurrent_cmd->add_option("--connections", concurrent.connections)->check(CLI::Range(1, 1000));
  concurrent_cmd->add_option("--window", concurrent.window)->check(CLI::Range(1, 10000));
  concurrent_cmd->add_option("--originate", concurrent.originate_args);
  concurrent_cmd->add_option("--sps", concurrent.sps)->check(CLI::Range(1, 10'000'000));
  concurrent_cmd->add_option("--hold", concurrent.hold_s)->check(CLI::Range(0.0, 600.0));
  concurrent_cmd->add_option("--settle", concurrent.settle_s)->check(CLI::Range(0.0, 600.0));
  concurrent_cmd->add_option("--drain", concurrent.drain_s)->check(CLI::Range(0.1, 600.0));

  OutboundOptions outbound;
  auto* outbound_cmd = app.add_subcommand(
      "outbound", "outbound socket sessions: answer, playback, hangup per loopback call");
  add_common(*outbound_cmd, common);
  outbound_cmd->add_option("--sessions", outbound.sessions)->check(CLI::Range(1, 100'000));
  outbound_cmd->add_option("--pid", outbound.pid, "daemon process id")->required();
  outbound_cmd->add_option("--playback", outbound.playback, "playback argument");
  outbound_cmd->add_option("--sps", outbound.sps)->check(CLI::Range(1, 10'000'000));
  outbound_cmd->add_option("--session-timeout", outbound.session_timeout_s)
      ->check(CLI::Range(0.1, 3600.0));
  outbound_cmd->add_option("--run-limit", outbound.run_limit_s)->check(CLI::Range(0.1, 3600.0));
  outbound_cmd->add_flag("--pre-answer", outbound.pre_answer,
                         "pre_answer in the B-leg's dialplan before socket");

  SoakOptions soak;
  auto* soak_cmd = app.add_subcommand(
      "soak", "mixed traffic for a long time; daemon RSS, descriptors, threads must stay flat");
  add_common(*soak_cmd, common);
  soak_cmd->add_option("--seconds", soak.seconds, "duration of the traffic")
      ->check(CLI::Range(10.0, 7 * 86400.0));
  soak_cmd->add_option("--pid", soak.pid, "daemon process id")->required();
  soak_cmd->add_option("--sample-interval", soak.sample_interval_s)->check(CLI::Range(0.1, 3600.0));
  soak_cmd->add_option("--warmup", soak.warmup_s, "seconds not judged")
      ->check(CLI::Range(0.0, 86400.0));
  soak_cmd->add_option("--tolerance", soak.tolerance, "allowed growth of the maxima (0.1 = 10%)")
      ->check(CLI::Range(0.0, 10.0));
  soak_cmd->add_option("--rss-slack-kb", soak.rss_slack_kb)->check(CLI::Range(0, 10'000'000));
  soak_cmd->add_option("--fd-slack", soak.fd_slack)->check(CLI::Range(0, 1'000'000));
  soak_cmd->add_option("--thread-slack", soak.thread_slack)->check(CLI::Range(0, 10'000));
  soak_cmd->add_option("--iteration-timeout", soak.iteration_timeout_s)
      ->check(CLI::Range(1.0, 3600.0));
  soak_cmd->add_option("--detail-log", soak.detail_log, "file for the traffic runs' JSON lines");

  CLI11_PARSE(app, argc, argv);

  if (fanout_cmd->parsed()) return run_fanout(common, fanout);
  if (api_cmd->parsed()) return run_api(common, api);
  if (bgapi_cmd->parsed()) return run_bgapi(common, bgapi);
  if (churn_cmd->parsed()) return run_churn(common, churn);
  if (idle_cmd->parsed()) return run_idle(common, idle);
  if (hostile_cmd->parsed()) return run_hostile(common, hostile);
  if (slow_cmd->parsed()) return run_slow_consumer(common, slow);
  if (startup_cmd->parsed()) return run_startup(common, startup);
  if (calls_cmd->parsed()) return run_calls(common, calls);
  if (concurrent_cmd->parsed()) return run_concurrent_calls(common, concurrent);
  if (outbound_cmd->parsed()) return run_outbound(common, outbound);
  if (soak_cmd->parsed()) return run_soak(common, soak);
  return 2;
}
