// churn: C workers each repeating connect -> auth -> exit -> wait for close, for S seconds.
// Measures complete cycles per second and the duration of one cycle.
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "json_line.hpp"
#include "load_runtime.hpp"
#include "scenarios.hpp"

namespace es::bench {
namespace {

struct ChurnSlot {
  std::uint64_t cycles = 0;
  std::uint64_t failures = 0;
  LatencyHistogram latency;
  std::string error;
};

struct ChurnShared {
  std::atomic<std::uint64_t> started{0};  // cycles begun, bounded by max_cycles
  std::atomic<int> finished{0};
};

}  // namespace

// One connect/auth/exit cycle; shared with the hostile scenario. Returns an error when any
// step deviates from the protocol (the connection is closed either way).
asio::awaitable<std::error_code> auth_exit_cycle(const Target& target) {
  Connection connection(co_await asio::this_coro::executor, 1024);
  std::error_code ec = co_await connection.open(target);
  if (!ec) ec = co_await connection.command("exit\n\n", "+OK bye");
  if (!ec) {
    // The server follows "+OK bye" with the disconnect notice and closes.
    protocol::Message notice;
    ec = co_await connection.read_message(notice);
    if (!ec && notice.content_type() != "text/disconnect-notice")
      ec = LoadError::kUnexpectedMessage;
  }
  connection.close();
  co_return ec;
}

namespace {

asio::awaitable<void> churn_worker(const Target& target, const ChurnOptions& options,
                                   Clock::time_point end, ChurnSlot& slot, ChurnShared& shared,
                                   LoadRuntime& runtime) {
  while (Clock::now() < end && shared.started.fetch_add(1) < options.max_cycles) {
    std::int64_t before = monotonic_ns();
    if (auto ec = co_await auth_exit_cycle(target)) {
      ++slot.failures;
      if (slot.error.empty()) slot.error = ec.message();
      // A refused connect returns at once; do not spin on it.
      co_await sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    slot.latency.record(monotonic_ns() - before);
    ++slot.cycles;
  }
  if (++shared.finished == options.concurrency) runtime.stop();
}

}  // namespace

int run_churn(const CommonOptions& common, const ChurnOptions& options) {
  Target target;
  if (!make_target(common, target) || options.concurrency < 1) return 2;
  LoadRuntime runtime(common.threads);
  ChurnShared shared;
  std::vector<std::unique_ptr<ChurnSlot>> slots;
  auto start = Clock::now();
  auto end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                         std::min(options.seconds, common.timeout_s)));
  for (int i = 0; i < options.concurrency; ++i) {
    slots.push_back(std::make_unique<ChurnSlot>());
    asio::co_spawn(runtime.io(static_cast<std::size_t>(i)),
                   churn_worker(target, options, end, *slots.back(), shared, runtime),
                   asio::detached);
  }
  bool finished = runtime.run(
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(common.timeout_s)));
  double elapsed = seconds_between(start, Clock::now());

  LatencyHistogram latency;
  std::uint64_t cycles = 0, failures = 0;
  std::string first_error;
  for (const auto& slot : slots) {
    latency.merge(slot->latency);
    cycles += slot->cycles;
    failures += slot->failures;
    if (first_error.empty()) first_error = slot->error;
  }
  JsonLine out;
  out.add("scenario", "churn")
      .add("label", common.label)
      .add("concurrency", options.concurrency)
      .add("cycles", cycles)
      .add("failures", failures)
      .add("elapsed_s", elapsed)
      .add("cycles_per_s", elapsed > 0 ? static_cast<double>(cycles) / elapsed : 0.0)
      .add_latency("cycle_latency", latency)
      .add("timed_out", !finished);
  if (!first_error.empty()) out.add("first_error", first_error);
  out.print();
  return finished && failures == 0 ? 0 : 1;
}

}  // namespace es::bench
