// idle: opens N authenticated connections that do nothing, holds them, and reads the daemon's
// RSS and descriptor count before, while held and after closing: the memory cost of an idle
// connection.
#include <fmt/format.h>

#include "json_line.hpp"
#include "scenario_blocks.hpp"
#include "scenarios.hpp"

namespace es::bench {
namespace {

struct IdleResult {
  std::optional<ProcessSample> before, held, after_close;
  OpenedConnections opened;
  double open_s = 0;
  bool done = false;
};

asio::awaitable<void> idle_main(const Target& target, const IdleOptions& options,
                                IdleResult& result, LoadRuntime& runtime) {
  result.before = sample_process(options.pid);
  auto start = Clock::now();
  co_await open_many(target, options.connections, options.connect_concurrency, true, result.opened);
  result.open_s = seconds_between(start, Clock::now());
  co_await sleep_for(
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.hold_s)));
  result.held = sample_process(options.pid);
  for (auto& connection : result.opened.connections) connection->close();
  // Give the daemon time to notice the closes and release per-connection memory.
  co_await sleep_for(std::chrono::seconds(1));
  result.after_close = sample_process(options.pid);
  result.done = true;
  runtime.stop();
}

}  // namespace

int run_idle(const CommonOptions& common, const IdleOptions& options) {
  Target target;
  if (!make_target(common, target) || options.connections < 1) return 2;
  if (!sample_process(options.pid)) {
    fmt::print(stderr, "idle: --pid {} is not a readable process\n", options.pid);
    return 2;
  }
  std::uint64_t fd_limit = raise_descriptor_limit();
  LoadRuntime runtime(1);
  IdleResult result;
  asio::co_spawn(runtime.io(0), idle_main(target, options, result, runtime), asio::detached);
  bool finished = runtime.run(
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(common.timeout_s)));

  auto opened = static_cast<std::int64_t>(result.opened.connections.size());
  JsonLine out;
  out.add("scenario", "idle")
      .add("label", common.label)
      .add("connections_requested", options.connections)
      .add("connections_open", opened)
      .add("connection_failures", result.opened.failures)
      .add("open_s", result.open_s)
      .add("client_fd_limit", fd_limit);
  if (result.before) out.add("before", to_json(*result.before));
  if (result.held) out.add("held", to_json(*result.held));
  if (result.after_close) out.add("after_close", to_json(*result.after_close));
  if (result.before && result.held && opened > 0) {
    double rss_delta = static_cast<double>(result.held->rss_kb - result.before->rss_kb);
    out.add("rss_delta_kb", result.held->rss_kb - result.before->rss_kb)
        .add("kb_per_connection", rss_delta / static_cast<double>(opened))
        .add("fds_delta", result.held->open_fds - result.before->open_fds);
  }
  if (result.before && result.after_close) {
    out.add("rss_retained_after_close_kb", result.after_close->rss_kb - result.before->rss_kb)
        .add("fds_retained_after_close", result.after_close->open_fds - result.before->open_fds);
  }
  out.add("timed_out", !finished);
  if (!result.opened.first_error.empty()) out.add("first_error", result.opened.first_error);
  out.print();
  return finished && result.done && result.opened.failures == 0 ? 0 : 1;
}

}  // namespace es::bench
