// calls: C driver connections keep W loopback calls each in flight for S seconds (bgapi
// originate; bgapi uuid_kill as soon as the A-leg's uuid arrives). One more connection counts
// CHANNEL_HANGUP_COMPLETE per leg (or every event, with --all-events): a call is complete when
// the hangup of both its legs has been seen. Calls per second = complete calls / time from the
// first originate to the last hangup.
// concurrent-calls: sets up N parked loopback calls (2N sessions), reads the daemon's RSS
// before and while they are held, hangs them all up with hupall and reads it again.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>
#include <vector>

#include "call_driver.hpp"
#include "json_line.hpp"
#include "process_stats.hpp"
#include "scenarios.hpp"

namespace es::bench {
namespace {

Clock::duration seconds(double value) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(value));
}

// ---- calls ----

struct EventCount {
  std::atomic<bool> ready{false};
  std::atomic<bool> failed{false};
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> a_legs_hung_up{0};  // CHANNEL_HANGUP_COMPLETE, outbound
  std::atomic<std::uint64_t> b_legs_hung_up{0};  // CHANNEL_HANGUP_COMPLETE, inbound
  // Read after the run only.
  std::map<std::string, std::uint64_t> by_name;
  std::uint64_t events = 0;          // all events received after the start
  std::uint64_t channel_events = 0;  // of which carry a Unique-ID
  std::int64_t last_hangup_ns = 0;
  std::string error;
};

asio::awaitable<void> event_counter(const Target& target, bool all_events,
                                    const CallDriverShared& drivers, EventCount& count) {
  Connection connection(co_await asio::this_coro::executor, 262144);
  std::error_code ec = co_await connection.open(target);
  if (!ec) {
    ec = co_await connection.command(
        all_events ? "event plain ALL\n\n" : "event plain CHANNEL_HANGUP_COMPLETE\n\n", "+OK");
  }
  if (ec) {
    count.error = ec.message();
    count.failed = true;
    co_return;
  }
  count.ready = true;
  protocol::Message message;
  while (!count.stop.load()) {
    ec = co_await connection.read_message(message);
    if (ec) {
      if (!count.stop.load()) count.error = ec.message();
      break;
    }
    if (message.content_type() != "text/event-plain" || !drivers.go.load()) continue;
    auto event = protocol::parse_header_block(message.body, false);
    const std::string* name = event.header("Event-Name");
    if (!name) continue;
    ++count.events;
    if (event.header("Unique-ID")) ++count.channel_events;
    if (all_events) ++count.by_name[*name];
    if (*name != "CHANNEL_HANGUP_COMPLETE") continue;
    const std::string* direction = event.header("Call-Direction");
    if (direction && *direction == "outbound") {
      ++count.a_legs_hung_up;
    } else {
      ++count.b_legs_hung_up;
    }
    count.last_hangup_ns = monotonic_ns();
  }
  connection.close();
}

struct CallsRun {
  DriverSet drivers;
  EventCount events;
  std::string limits_reply;
  std::optional<ProcessSample> before, after;
  std::int64_t sessions_left = -1;
  double wall_s = 0;
  bool done = false;
  std::string error;
};

asio::awaitable<void> calls_main(const Target& target, const CommonOptions& common,
                                 const CallsOptions& options, LoadRuntime& runtime, CallsRun& run) {
  Connection control(co_await asio::this_coro::executor);
  if (auto ec = co_await control.open(target)) {
    run.error = ec.message();
    runtime.stop();
    co_return;
  }
  run.limits_reply = co_await raise_session_limits(control, options.max_sessions, options.sps);
  run.before = sample_process(options.pid);
  asio::co_spawn(co_await asio::this_coro::executor,
                 event_counter(target, options.all_events, run.drivers.shared, run.events),
                 asio::detached);
  while (!run.events.ready.load() && !run.events.failed.load()) {
    co_await sleep_for(std::chrono::milliseconds(1));
  }
  CallDriverOptions base;
  base.originate_args = options.originate_args;
  base.window = options.window;
  base.kill = true;
  base.job_prefix = random_job_prefix();
  spawn_drivers(runtime, target, options.connections, options.max_calls, base, run.drivers);
  auto& shared = run.drivers.shared;
  // The clock starts when every driver is ready, so the figure is not diluted by logins.
  while (shared.ready.load() < options.connections)
    co_await sleep_for(std::chrono::milliseconds(1));
  shared.start_ns = monotonic_ns();
  auto start = Clock::now();
  shared.go = true;
  auto load_end = start + seconds(std::min(options.seconds, common.timeout_s));
  while (Clock::now() < load_end && shared.finished.load() < options.connections) {
    co_await sleep_for(std::chrono::milliseconds(2));
  }
  shared.stop_originating = true;
  while (shared.finished.load() < options.connections) {
    co_await sleep_for(std::chrono::milliseconds(2));
  }
  // Every answered call was killed; wait for the hangups of both legs of each to be seen.
  CallDriverResult sum = run.drivers.total();
  auto drain_end = Clock::now() + seconds(options.drain_s);
  while ((run.events.a_legs_hung_up.load() < sum.answered ||
          run.events.b_legs_hung_up.load() < sum.answered) &&
         Clock::now() < drain_end && !run.events.failed.load()) {
    co_await sleep_for(std::chrono::milliseconds(2));
  }
  run.events.stop = true;
  run.sessions_left = co_await wait_for_sessions(control, 0, seconds(options.drain_s));
  run.wall_s = seconds_between(start, Clock::now());
  run.after = sample_process(options.pid);
  co_await control.command("exit\n\n", "+OK bye");
  control.close();
  run.done = true;
  runtime.stop();
}

}  // namespace

int run_calls(const CommonOptions& common, const CallsOptions& options) {
  Target target;
  if (!make_target(common, target) || options.connections < 1) return 2;
  LoadRuntime runtime(common.threads);
  CallsRun run;
  asio::co_spawn(runtime.io(0), calls_main(target, common, options, runtime, run), asio::detached);
  bool finished = runtime.run(seconds(common.timeout_s));

  CallDriverResult sum = run.drivers.total();
  std::uint64_t complete =
      std::min(run.events.a_legs_hung_up.load(), run.events.b_legs_hung_up.load());
  std::int64_t start_ns = run.drivers.shared.start_ns.load();
  double elapsed =
      complete && start_ns ? static_cast<double>(run.events.last_hangup_ns - start_ns) / 1e9 : 0;
  JsonLine out;
  out.add("scenario", "calls")
      .add("label", common.label)
      .add("originate", options.originate_args)
      .add("connections", options.connections)
      .add("window", options.window)
      .add("limits", run.limits_reply)
      .add("originated", sum.originated)
      .add("answered", sum.answered)
      .add("originate_failures", sum.originate_failures)
      .add("killed", sum.killed)
      .add("kill_failures", sum.kill_failures)
      .add("rejected_commands", sum.rejected_commands)
      .add("a_legs_hung_up", run.events.a_legs_hung_up.load())
      .add("b_legs_hung_up", run.events.b_legs_hung_up.load())
      .add("calls_complete", complete)
      .add("elapsed_s", elapsed)
      .add("calls_per_s", elapsed > 0 ? static_cast<double>(complete) / elapsed : 0.0)
      .add("events_received", run.events.events)
      .add("events_per_call",
           complete ? static_cast<double>(run.events.events) / static_cast<double>(complete) : 0.0);
  if (options.all_events) {
    out.add("channel_events_per_call", complete ? static_cast<double>(run.events.channel_events) /
                                                      static_cast<double>(complete)
                                                : 0.0);
    JsonLine names;
    for (const auto& [name, n] : run.events.by_name) names.add(name, n);
    out.add("events_by_name", names);
  }
  out.add_latency("originate_latency", sum.originate_latency)
      .add_latency("kill_latency", sum.kill_latency)
      .add_latency("call_latency", sum.call_latency)
      .add("sessions_left", run.sessions_left);
  if (run.before) out.add("before", to_json(*run.before));
  if (run.after) out.add("after", to_json(*run.after));
  out.add("wall_s", run.wall_s).add("timed_out", !finished);
  std::string first_error = !run.error.empty()          ? run.error
                            : !run.events.error.empty() ? run.events.error
                                                        : sum.first_failure;
  if (!first_error.empty()) out.add("first_error", first_error);
  out.print();
  bool clean = finished && run.done && complete == sum.answered && sum.answered > 0 &&
               sum.originate_failures == 0 && sum.kill_failures == 0 &&
               sum.rejected_commands == 0 && run.sessions_left == 0;
  return clean ? 0 : 1;
}

}  // namespace es::bench
