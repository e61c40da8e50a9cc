// api: closed-loop `api <command>` round trips on C connections for S seconds.
// bgapi: N `bgapi <command>` jobs over C connections; one more connection subscribed to
// BACKGROUND_JOB times how long it takes until every job's event has arrived.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <memory>
#include <random>
#include <vector>

#include "json_line.hpp"
#include "load_runtime.hpp"
#include "scenarios.hpp"

namespace es::bench {
namespace {

Clock::duration seconds(double value) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(value));
}

// ---- api ----

struct ApiSlot {
  std::uint64_t requests = 0;
  std::uint64_t errors = 0;
  LatencyHistogram latency;
  Clock::time_point started{}, ended{};
  std::string error;
};

struct ApiShared {
  std::atomic<int> ready{0};
  std::atomic<int> finished{0};
};

asio::awaitable<void> api_client(const Target& target, const CommonOptions& common,
                                 const ApiOptions& options, ApiSlot& slot, ApiShared& shared,
                                 LoadRuntime& runtime) {
  Connection connection(co_await asio::this_coro::executor);
  std::error_code ec = co_await connection.open(target);
  ++shared.ready;
  if (ec) {
    slot.error = ec.message();
  } else {
    // All connections start measuring together so the rate is not diluted by logins.
    while (shared.ready.load() < options.connections) {
      co_await sleep_for(std::chrono::milliseconds(1));
    }
    std::string packet = fmt::format("api {}\n\n", options.command);
    protocol::Message reply;
    slot.started = Clock::now();
    auto end = slot.started + seconds(std::min(options.seconds, common.timeout_s));
    while (slot.requests < options.max_requests && Clock::now() < end) {
      std::int64_t before = monotonic_ns();
      if (auto call_error = co_await connection.call(packet, reply)) {
        slot.error = call_error.message();
        break;
      }
      slot.latency.record(monotonic_ns() - before);
      ++slot.requests;
      if (reply.content_type() != "api/response" || reply.body.starts_with("-ERR")) ++slot.errors;
    }
    slot.ended = Clock::now();
    co_await connection.command("exit\n\n", "+OK bye");
  }
  connection.close();
  if (++shared.finished == options.connections) runtime.stop();
}

// ---- bgapi ----

struct BgapiShared {
  std::atomic<bool> collector_ready{false};
  std::atomic<bool> collector_failed{false};
  std::atomic<int> senders_done{0};
  std::atomic<std::uint64_t> acknowledged{0};
  std::atomic<std::uint64_t> send_errors{0};
  std::vector<std::atomic<std::int64_t>> sent_ns;  // per job, 0 until sent
  std::string uuid_prefix;                         // random per run: our jobs only
  explicit BgapiShared(std::uint64_t jobs) : sent_ns(jobs) {}
};

std::string job_uuid(const std::string& prefix, std::uint64_t job) {
  return fmt::format("{}-0000-4000-8000-{:012x}", prefix, job);
}

struct CollectorResult {
  std::uint64_t arrived = 0;
  std::uint64_t failed_jobs = 0;  // body starting with -ERR
  LatencyHistogram latency;       // bgapi sent -> BACKGROUND_JOB received
  Clock::time_point last_arrival{};
  std::string error;
};

asio::awaitable<void> job_collector(const Target& target, std::uint64_t jobs, BgapiShared& shared,
                                    CollectorResult& result, LoadRuntime& runtime) {
  Connection connection(co_await asio::this_coro::executor, 65536);
  std::error_code ec = co_await connection.open(target);
  if (!ec) ec = co_await connection.command("event plain BACKGROUND_JOB\n\n", "+OK");
  if (ec) {
    result.error = ec.message();
    shared.collector_failed = true;
    runtime.stop();
    co_return;
  }
  shared.collector_ready = true;
  protocol::Message message;
  std::vector<bool> seen(jobs, false);
  while (result.arrived < jobs) {
    if (auto read_error = co_await connection.read_message(message)) {
      result.error = read_error.message();
      break;
    }
    if (message.content_type() != "text/event-plain") continue;
    auto inner = protocol::parse_header_block(message.body, false);
    const std::string* uuid = inner.header("Job-UUID");
    if (!uuid || !uuid->starts_with(shared.uuid_prefix) || uuid->size() < 12) continue;
    std::uint64_t job = 0;
    const char* digits = uuid->data() + uuid->size() - 12;
    auto parsed = std::from_chars(digits, digits + 12, job, 16);
    if (parsed.ec != std::errc() || job >= jobs || seen[job]) continue;
    seen[job] = true;
    std::int64_t sent = shared.sent_ns[job].load();
    if (sent > 0) result.latency.record(monotonic_ns() - sent);
    if (inner.body.starts_with("-ERR")) ++result.failed_jobs;
    ++result.arrived;
    result.last_arrival = Clock::now();
  }
  connection.close();
  runtime.stop();
}

asio::awaitable<void> job_sender(const Target& target, const BgapiOptions& options,
                                 std::uint64_t first_job, std::uint64_t job_count,
                                 BgapiShared& shared) {
  Connection connection(co_await asio::this_coro::executor);
  if (auto ec = co_await connection.open(target)) {
    shared.send_errors += job_count;
    ++shared.senders_done;
    co_return;
  }
  while (!shared.collector_ready.load() && !shared.collector_failed.load()) {
    co_await sleep_for(std::chrono::milliseconds(1));
  }
  std::string batch;
  protocol::Message reply;
  auto window = static_cast<std::uint64_t>(std::max(options.window, 1));
  for (std::uint64_t done = 0; done < job_count && !shared.collector_failed.load();) {
    std::uint64_t count = std::min(window, job_count - done);
    batch.clear();
    std::int64_t now = monotonic_ns();
    for (std::uint64_t i = 0; i < count; ++i) {
      std::uint64_t job = first_job + done + i;
      shared.sent_ns[job].store(now);
      fmt::format_to(std::back_inserter(batch), "bgapi {}\nJob-UUID: {}\n\n", options.command,
                     job_uuid(shared.uuid_prefix, job));
    }
    if (co_await connection.send(batch)) {
      shared.send_errors += job_count - done;
      break;
    }
    for (std::uint64_t i = 0; i < count; ++i) {
      if (co_await connection.read_message(reply)) {
        shared.send_errors += count - i;
        break;
      }
      if (reply_text(reply).starts_with("+OK Job-UUID")) {
        ++shared.acknowledged;
      } else {
        ++shared.send_errors;
      }
    }
    done += count;
  }
  co_await connection.command("exit\n\n", "+OK bye");
  connection.close();
  ++shared.senders_done;
}

}  // namespace

int run_api(const CommonOptions& common, const ApiOptions& options) {
  Target target;
  if (!make_target(common, target) || options.connections < 1) return 2;
  LoadRuntime runtime(common.threads);
  ApiShared shared;
  std::vector<std::unique_ptr<ApiSlot>> slots;
  for (int i = 0; i < options.connections; ++i) {
    slots.push_back(std::make_unique<ApiSlot>());
    asio::co_spawn(runtime.io(static_cast<std::size_t>(i)),
                   api_client(target, common, options, *slots.back(), shared, runtime),
                   asio::detached);
  }
  bool finished = runtime.run(seconds(common.timeout_s));

  LatencyHistogram latency;
  std::uint64_t requests = 0, errors = 0;
  Clock::time_point start = Clock::time_point::max(), end{};
  std::string first_error;
  int failed = 0;
  for (const auto& slot : slots) {
    latency.merge(slot->latency);
    requests += slot->requests;
    errors += slot->errors;
    if (slot->requests) {
      start = std::min(start, slot->started);
      end = std::max(end, slot->ended);
    }
    if (!slot->error.empty()) {
      ++failed;
      if (first_error.empty()) first_error = slot->error;
    }
  }
  double elapsed = requests ? seconds_between(start, end) : 0;
  JsonLine out;
  out.add("scenario", "api")
      .add("label", common.label)
      .add("command", options.command)
      .add("connections", options.connections)
      .add("requests", requests)
      .add("error_replies", errors)
      .add("connections_failed", failed)
      .add("elapsed_s", elapsed)
      .add("round_trips_per_s", elapsed > 0 ? static_cast<double>(requests) / elapsed : 0.0)
      .add_latency("latency", latency)
      .add("timed_out", !finished);
  if (!first_error.empty()) out.add("first_error", first_error);
  out.print();
  return finished && failed == 0 && errors == 0 ? 0 : 1;
}

int run_bgapi(const CommonOptions& common, const BgapiOptions& options) {
  Target target;
  if (!make_target(common, target) || options.connections < 1 || options.jobs < 1) return 2;
  LoadRuntime runtime(common.threads);
  BgapiShared shared(options.jobs);
  std::random_device entropy;
  shared.uuid_prefix = fmt::format("{:08x}", entropy());
  CollectorResult collected;
  asio::co_spawn(runtime.io(0), job_collector(target, options.jobs, shared, collected, runtime),
                 asio::detached);
  auto connections = static_cast<std::uint64_t>(options.connections);
  std::uint64_t first = 0;
  for (std::uint64_t c = 0; c < connections; ++c) {
    std::uint64_t count = options.jobs / connections + (c < options.jobs % connections ? 1 : 0);
    asio::co_spawn(runtime.io(c + 1), job_sender(target, options, first, count, shared),
                   asio::detached);
    first += count;
  }
  auto start = Clock::now();
  bool finished = runtime.run(seconds(common.timeout_s));

  // The clock starts at the first send, i.e. after the logins.
  std::int64_t first_send = 0;
  for (const auto& sent : shared.sent_ns) {
    std::int64_t value = sent.load();
    if (value > 0 && (first_send == 0 || value < first_send)) first_send = value;
  }
  double elapsed = 0;
  if (collected.arrived && first_send > 0) {
    elapsed = static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                      collected.last_arrival.time_since_epoch())
                                      .count() -
                                  first_send) /
              1e9;
  }
  JsonLine out;
  out.add("scenario", "bgapi")
      .add("label", common.label)
      .add("command", options.command)
      .add("connections", options.connections)
      .add("jobs", options.jobs)
      .add("jobs_acknowledged", shared.acknowledged.load())
      .add("jobs_completed", collected.arrived)
      .add("jobs_failed", collected.failed_jobs)
      .add("send_errors", shared.send_errors.load())
      .add("elapsed_s", elapsed)
      .add("jobs_per_s", elapsed > 0 ? static_cast<double>(collected.arrived) / elapsed : 0.0)
      .add_latency("job_latency", collected.latency)
      .add("wall_s", seconds_between(start, Clock::now()))
      .add("timed_out", !finished);
  if (!collected.error.empty()) out.add("first_error", collected.error);
  out.print();
  return finished && collected.arrived == options.jobs && collected.failed_jobs == 0 ? 0 : 1;
}

}  // namespace es::bench
