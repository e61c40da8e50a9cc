// slow-consumer: N subscribers on `event plain ALL` read everything; one more subscribes and
// never reads. Publishers fire padded events at a fixed rate. Checks that the readers keep
// their delivery rate, that the stuck listener is killed for lost events (watched through
// `api event_socket listeners as json`) and that the daemon's RSS stays below a bound.
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "event_publisher.hpp"
#include "json_line.hpp"
#include "listener_table.hpp"
#include "protocol/frames.hpp"
#include "scenario_blocks.hpp"
#include "scenarios.hpp"

namespace es::bench {
namespace {

Clock::duration seconds(double value) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(value));
}

struct ReaderSlot {
  std::atomic<std::uint64_t> received{0};  // bench events; atomic so the monitor can watch
  LatencyHistogram latency;
  std::string error;
};

struct SlowState {
  std::atomic<int> ready{0};
  std::atomic<int> failed{0};
  std::atomic<bool> stop_publishing{false};
  std::atomic<bool> stop_watch{false};
  std::atomic<bool> stuck_ready{false};
  std::string stuck_peer;  // "127.0.0.1:port" of the connection that never reads
  ListenerRow stuck_max;   // largest values seen for it
  bool stuck_seen = false;
  bool stuck_killed = false;
  bool notice_seen = false;
  double kill_after_s = 0;                                 // from the first send
  std::vector<std::pair<double, std::uint64_t>> timeline;  // (s since first send, delivered)
  ProcessPeak peak;
  std::vector<PublisherTally> tallies;
  Clock::time_point load_start{}, kill_time{}, load_end{};
  std::string control_error;
};

asio::awaitable<void> reader(const Target& target, ReaderSlot& slot, SlowState& state) {
  Connection connection(co_await asio::this_coro::executor, 65536);
  std::error_code ec = co_await connection.open(target);
  if (!ec) ec = co_await connection.command("event plain ALL\n\n", "+OK event listener enabled");
  if (ec) {
    slot.error = ec.message();
    ++state.failed;
    co_return;
  }
  ++state.ready;
  protocol::Message message;
  for (;;) {
    if (auto read_error = co_await connection.read_message(message)) {
      slot.error = read_error.message();
      break;
    }
    if (!message.content_type().starts_with("text/event-")) continue;
    std::int64_t sent = find_number_after(message.body, kSentHeader);
    if (sent < 0) continue;  // heartbeats and other traffic
    slot.latency.record(monotonic_ns() - sent);
    slot.received.fetch_add(1, std::memory_order_relaxed);
  }
}

// Subscribes with a tiny receive buffer and never reads until the run is over; then looks
// for the kill notice in whatever the kernel kept.
asio::awaitable<void> stuck_subscriber(const Target& target, SlowState& state) {
  Connection connection(co_await asio::this_coro::executor, 65536);
  std::error_code ec;
  connection.socket().open(target.endpoint.protocol(), ec);
  if (!ec) connection.socket().set_option(asio::socket_base::receive_buffer_size(4096), ec);
  if (!ec) ec = co_await connection.open(target);
  if (!ec) ec = co_await connection.command("event plain ALL\n\n", "+OK event listener enabled");
  if (ec) {
    state.control_error = "stuck subscriber: " + ec.message();
    ++state.failed;
    co_return;
  }
  auto local = connection.socket().local_endpoint(ec);
  state.stuck_peer = fmt::format("{}:{}", local.address().to_string(), local.port());
  state.stuck_ready = true;
  ++state.ready;
  while (!state.stop_watch.load()) co_await sleep_for(std::chrono::milliseconds(20));
  // Drain for at most two seconds; the notice, when the server could send it, is at the end.
  asio::steady_timer limit(co_await asio::this_coro::executor, std::chrono::seconds(2));
  limit.async_wait([&connection](std::error_code) { connection.close(); });
  std::string tail;
  std::vector<char> chunk(65536);
  for (;;) {
    std::size_t n = co_await connection.socket().async_read_some(
        asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    tail.append(chunk.data(), n);
    if (tail.find(protocol::kLostEventsText) != std::string::npos) state.notice_seen = true;
    if (tail.size() > 256) tail.erase(0, tail.size() - 256);
  }
  limit.cancel();
  connection.close();
}

asio::awaitable<void> publisher(const Target& target, int id, PublisherPlan plan,
                                PublisherTally& tally) {
  Connection connection(co_await asio::this_coro::executor);
  if (auto ec = co_await connection.open(target)) {
    ++tally.errors;
    co_return;
  }
  co_await publish_events(connection, id, plan, tally);
  connection.close();
}

std::uint64_t total_received(const std::vector<std::unique_ptr<ReaderSlot>>& slots) {
  std::uint64_t total = 0;
  for (const auto& slot : slots) total += slot->received.load(std::memory_order_relaxed);
  return total;
}

asio::awaitable<void> slow_main(const Target& target, const CommonOptions& common,
                                const SlowConsumerOptions& options,
                                std::vector<std::unique_ptr<ReaderSlot>>& slots, SlowState& state,
                                LoadRuntime& runtime) {
  auto executor = co_await asio::this_coro::executor;
  Connection control(executor, 65536);
  if (auto ec = co_await control.open(target)) {
    state.control_error = "control: " + ec.message();
    runtime.stop();
    co_return;
  }
  int expected_ready = options.subscribers + 1;
  while (state.ready.load() + state.failed.load() < expected_ready) {
    co_await sleep_for(std::chrono::milliseconds(2));
  }
  if (state.failed.load() > 0) {
    runtime.stop();
    co_return;
  }
  asio::co_spawn(
      executor,
      watch_process(options.pid, std::chrono::milliseconds(100), state.stop_watch, state.peak),
      asio::detached);
  state.load_start = Clock::now();
  auto hard_end = state.load_start + seconds(std::min(options.seconds, common.timeout_s * 0.8));
  state.tallies.resize(static_cast<std::size_t>(options.publishers));
  for (int p = 0; p < options.publishers; ++p) {
    PublisherPlan plan;
    plan.subclass = "bench::slow";
    plan.events = 50'000'000;  // the stop flag or the time bound ends the load first
    plan.window = options.window;
    plan.rate = options.rate / options.publishers;
    plan.pad_bytes = options.pad_bytes;
    plan.give_up = hard_end;
    plan.stop = &state.stop_publishing;
    asio::co_spawn(runtime.io(static_cast<std::size_t>(p)),
                   publisher(target, p, plan, state.tallies[static_cast<std::size_t>(p)]),
                   asio::detached);
  }

  protocol::Message reply;
  while (Clock::now() < hard_end) {
    co_await sleep_for(std::chrono::milliseconds(250));
    double t = seconds_between(state.load_start, Clock::now());
    state.timeline.emplace_back(t, total_received(slots));
    if (auto ec = co_await control.call("api event_socket listeners as json\n\n", reply)) {
      state.control_error = "control: " + ec.message();
      break;
    }
    auto row = find_listener_row(reply.body, state.stuck_peer);
    if (row) {
      state.stuck_seen = true;
      state.stuck_max.queued_events = std::max(state.stuck_max.queued_events, row->queued_events);
      state.stuck_max.queued_bytes = std::max(state.stuck_max.queued_bytes, row->queued_bytes);
      state.stuck_max.lost_events = std::max(state.stuck_max.lost_events, row->lost_events);
      state.stuck_max.delivered_events =
          std::max(state.stuck_max.delivered_events, row->delivered_events);
    } else if (state.stuck_seen && !state.stuck_killed) {
      state.stuck_killed = true;
      state.kill_time = Clock::now();
      state.kill_after_s = t;
      hard_end = std::min(hard_end, Clock::now() + seconds(options.after_kill_s));
    }
  }
  state.stop_publishing = true;
  state.load_end = Clock::now();
  // Let the readers catch up with what was acknowledged (bounded).
  co_await sleep_for(std::chrono::milliseconds(200));
  std::uint64_t acked = 0;
  for (const auto& tally : state.tallies) acked += tally.acknowledged;
  auto drain_end = Clock::now() + std::chrono::seconds(10);
  while (total_received(slots) < acked * slots.size() && Clock::now() < drain_end) {
    co_await sleep_for(std::chrono::milliseconds(20));
  }
  state.stop_watch = true;
  co_await sleep_for(std::chrono::milliseconds(50));
  // The stuck subscriber drains for up to two seconds after stop_watch.
  co_await sleep_for(std::chrono::milliseconds(2100));
  control.close();
  runtime.stop();
}

// Delivery rate of the readers over [from, to) seconds of the timeline.
double rate_between(const std::vector<std::pair<double, std::uint64_t>>& timeline, double from,
                    double to) {
  const std::pair<double, std::uint64_t>* first = nullptr;
  const std::pair<double, std::uint64_t>* last = nullptr;
  for (const auto& point : timeline) {
    if (point.first < from || point.first > to) continue;
    if (!first) first = &point;
    last = &point;
  }
  if (!first || last == first) return 0;
  return static_cast<double>(last->second - first->second) / (last->first - first->first);
}

}  // namespace

int run_slow_consumer(const CommonOptions& common, const SlowConsumerOptions& options) {
  Target target;
  if (!make_target(common, target) || options.subscribers < 1 || options.publishers < 1) {
    return 2;
  }
  if (!sample_process(options.pid)) {
    fmt::print(stderr, "slow-consumer: --pid {} is not a readable process\n", options.pid);
    return 2;
  }
  raise_descriptor_limit();
  auto before = sample_process(options.pid);
  LoadRuntime runtime(common.threads);
  SlowState state;
  std::vector<std::unique_ptr<ReaderSlot>> slots;
  for (int i = 0; i < options.subscribers; ++i) {
    slots.push_back(std::make_unique<ReaderSlot>());
    asio::co_spawn(runtime.io(static_cast<std::size_t>(i)), reader(target, *slots.back(), state),
                   asio::detached);
  }
  asio::co_spawn(runtime.io(0), stuck_subscriber(target, state), asio::detached);
  asio::co_spawn(runtime.io(0), slow_main(target, common, options, slots, state, runtime),
                 asio::detached);
  bool finished = runtime.run(seconds(common.timeout_s));
  auto after = sample_process(options.pid);

  std::uint64_t sent = 0, acked = 0, errors = 0;
  for (const auto& tally : state.tallies) {
    sent += tally.sent;
    acked += tally.acknowledged;
    errors += tally.errors;
  }
  LatencyHistogram latency;
  std::uint64_t received = total_received(slots);
  std::string first_error = state.control_error;
  for (const auto& slot : slots) {
    latency.merge(slot->latency);
    if (first_error.empty()) first_error = slot->error;
  }
  std::uint64_t expected = acked * slots.size();
  double load_s = seconds_between(state.load_start, state.load_end);
  double kill_s = state.stuck_killed ? state.kill_after_s : load_s;
  double rate_before = rate_between(state.timeline, 0.5, kill_s);
  double rate_after = state.stuck_killed ? rate_between(state.timeline, kill_s, load_s) : 0.0;
  // Per-window rates show whether the readers ever stalled while the stuck queue filled.
  std::vector<double> windows;
  for (std::size_t i = 1; i < state.timeline.size(); ++i) {
    const auto& [t0, n0] = state.timeline[i - 1];
    const auto& [t1, n1] = state.timeline[i];
    if (t0 >= 0.5 && t1 <= load_s && t1 > t0) {
      windows.push_back(static_cast<double>(n1 - n0) / (t1 - t0));
    }
  }
  std::sort(windows.begin(), windows.end());
  double window_min = windows.empty() ? 0 : windows.front();
  double window_median = windows.empty() ? 0 : windows[windows.size() / 2];
  std::int64_t peak_rss_kb = std::max(state.peak.peak.rss_kb, after ? after->rss_kb : 0);
  bool rss_ok = peak_rss_kb <= options.rss_bound_mb * 1024;

  JsonLine stuck;
  stuck.add("seen", state.stuck_seen)
      .add("killed", state.stuck_killed)
      .add("killed_after_s", state.stuck_killed ? state.kill_after_s : 0.0)
      .add("kill_notice_received", state.notice_seen)
      .add("max_queued_events", state.stuck_max.queued_events)
      .add("max_queued_bytes", state.stuck_max.queued_bytes)
      .add("max_lost_events", state.stuck_max.lost_events)
      .add("delivered_events", state.stuck_max.delivered_events);
  JsonLine out;
  out.add("scenario", "slow_consumer")
      .add("label", common.label)
      .add("subscribers", options.subscribers)
      .add("target_rate", options.rate)
      .add("pad_bytes", static_cast<std::uint64_t>(options.pad_bytes))
      .add("events_sent", sent)
      .add("events_acknowledged", acked)
      .add("load_s", load_s)
      .add("stuck", stuck)
      .add("reader_deliveries", received)
      .add("reader_deliveries_missing", expected > received ? expected - received : 0)
      .add("reader_rate_before_kill", rate_before)
      .add("reader_rate_after_kill", rate_after)
      .add("reader_rate_min_window", window_min)
      .add("reader_rate_median_window", window_median)
      .add_latency("reader_latency", latency)
      .add("publisher_errors", errors);
  if (before) out.add("before", to_json(*before));
  if (state.peak.samples) out.add("peak", to_json(state.peak.peak));
  // Sampled when the load has ended, with the readers still connected.
  if (after) out.add("at_end", to_json(*after));
  out.add("rss_bound_mb", options.rss_bound_mb)
      .add("rss_within_bound", rss_ok)
      .add("timed_out", !finished);
  if (!first_error.empty()) out.add("first_error", first_error);
  out.print();
  bool ok = finished && state.stuck_killed && rss_ok && expected == received && errors == 0;
  return ok ? 0 : 1;
}

}  // namespace es::bench
