// concurrent-calls: sets up N parked loopback calls (2N sessions) with bgapi originate, reads
// the daemon's RSS before and while they are held, hangs them all up with `hupall`, waits for
// the session count to return to zero and reads the RSS again (`fsctl hupall` when the daemon
// has no `hupall` command).
#include <fmt/format.h>

#include <algorithm>

#include "call_driver.hpp"
#include "json_line.hpp"
#include "process_stats.hpp"
#include "scenarios.hpp"

namespace es::bench {
namespace {

Clock::duration seconds(double value) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(value));
}

struct ConcurrentRun {
  DriverSet drivers;
  std::string limits_reply;
  std::string hupall_command;
  std::string hupall_reply;
  std::optional<ProcessSample> before, held, after;
  std::int64_t sessions_held = -1;  // the daemon's count while the calls are held
  std::int64_t sessions_left = -1;  // after hupall
  double setup_s = 0;
  double teardown_s = 0;
  bool done = false;
  std::string error;
};

asio::awaitable<void> concurrent_main(const Target& target, const ConcurrentCallsOptions& options,
                                      LoadRuntime& runtime, ConcurrentRun& run) {
  Connection control(co_await asio::this_coro::executor);
  if (auto ec = co_await control.open(target)) {
    run.error = ec.message();
    runtime.stop();
    co_return;
  }
  // Room for every leg, whatever the daemon's default session limit.
  run.limits_reply = co_await raise_session_limits(
      control, std::max<std::uint64_t>(2 * options.calls + 1000, 1000), options.sps);
  run.before = sample_process(options.pid);

  CallDriverOptions base;
  base.originate_args = options.originate_args;
  base.window = options.window;
  base.kill = false;
  base.job_prefix = random_job_prefix();
  spawn_drivers(runtime, target, options.connections, options.calls, base, run.drivers);
  auto& shared = run.drivers.shared;
  while (shared.ready.load() < options.connections) {
    co_await sleep_for(std::chrono::milliseconds(1));
  }
  auto start = Clock::now();
  shared.go = true;
  while (shared.finished.load() < options.connections) {
    co_await sleep_for(std::chrono::milliseconds(2));
  }
  run.setup_s = seconds_between(start, Clock::now());
  CallDriverResult sum = run.drivers.total();
  auto expected = static_cast<std::int64_t>(2 * sum.answered);
  run.sessions_held = co_await wait_for_sessions(control, expected, std::chrono::seconds(5));

  co_await sleep_for(seconds(options.hold_s));
  run.held = sample_process(options.pid);

  auto hangup_start = Clock::now();
  // `hupall` is mod_commands' API; a daemon without it still has `fsctl hupall`.
  run.hupall_command = "hupall";
  auto reply = co_await api_body(control, run.hupall_command);
  if (reply && reply->starts_with("-ERR")) {
    run.hupall_command = "fsctl hupall";
    reply = co_await api_body(control, run.hupall_command);
  }
  run.hupall_reply = reply ? *reply : std::string();
  while (!run.hupall_reply.empty() && run.hupall_reply.back() == '\n') run.hupall_reply.pop_back();
  run.sessions_left = co_await wait_for_sessions(control, 0, seconds(options.drain_s));
  run.teardown_s = seconds_between(hangup_start, Clock::now());

  // Give the allocator and the daemon's deferred cleanup a moment, as idle does after closing.
  co_await sleep_for(seconds(options.settle_s));
  run.after = sample_process(options.pid);
  co_await control.command("exit\n\n", "+OK bye");
  control.close();
  run.done = true;
  runtime.stop();
}

}  // namespace

int run_concurrent_calls(const CommonOptions& common, const ConcurrentCallsOptions& options) {
  Target target;
  if (!make_target(common, target) || options.connections < 1 || options.calls < 1) return 2;
  if (!sample_process(options.pid)) {
    fmt::print(stderr, "concurrent-calls: --pid {} is not a readable process\n", options.pid);
    return 2;
  }
  LoadRuntime runtime(common.threads);
  ConcurrentRun run;
  asio::co_spawn(runtime.io(0), concurrent_main(target, options, runtime, run), asio::detached);
  bool finished = runtime.run(seconds(common.timeout_s));

  CallDriverResult sum = run.drivers.total();
  JsonLine out;
  out.add("scenario", "concurrent-calls")
      .add("label", common.label)
      .add("originate", options.originate_args)
      .add("calls_requested", options.calls)
      .add("limits", run.limits_reply)
      .add("answered", sum.answered)
      .add("originate_failures", sum.originate_failures)
      .add("rejected_commands", sum.rejected_commands)
      .add("setup_s", run.setup_s)
      .add("setup_calls_per_s",
           run.setup_s > 0 ? static_cast<double>(sum.answered) / run.setup_s : 0.0)
      .add_latency("originate_latency", sum.originate_latency)
      .add("sessions_held", run.sessions_held);
  if (run.before) out.add("before", to_json(*run.before));
  if (run.held) out.add("held", to_json(*run.held));
  if (run.after) out.add("after_hangup", to_json(*run.after));
  if (run.before && run.held && sum.answered > 0) {
    auto delta = run.held->rss_kb - run.before->rss_kb;
    auto calls = static_cast<double>(sum.answered);
    out.add("rss_delta_kb", delta)
        .add("kb_per_call", static_cast<double>(delta) / calls)
        .add("kb_per_session", static_cast<double>(delta) / (2 * calls));
  }
  if (run.before && run.after) {
    out.add("rss_retained_after_hangup_kb", run.after->rss_kb - run.before->rss_kb);
  }
  out.add("hupall_command", run.hupall_command)
      .add("hupall_reply", run.hupall_reply)
      .add("teardown_s", run.teardown_s)
      .add("sessions_left", run.sessions_left)
      .add("timed_out", !finished);
  if (!run.error.empty() || !sum.first_failure.empty()) {
    out.add("first_error", !run.error.empty() ? run.error : sum.first_failure);
  }
  out.print();
  bool clean = finished && run.done && sum.answered == options.calls &&
               run.sessions_held == static_cast<std::int64_t>(2 * sum.answered) &&
               run.sessions_left == 0 && sum.rejected_commands == 0;
  return clean ? 0 : 1;
}

}  // namespace es::bench
