#include "call_driver.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <random>
#include <unordered_map>

namespace es::bench {
namespace {

enum class JobKind { kOriginate, kKill };

struct PendingJob {
  JobKind kind;
  std::int64_t sent_ns;
  std::int64_t call_started_ns;  // the originate's send time, for the whole-call latency
};

std::string job_uuid(const CallDriverOptions& options, std::uint64_t sequence) {
  return fmt::format("{}-{:04x}-4000-8000-{:012x}", options.job_prefix, options.driver_index,
                     sequence);
}

// The sequence number of one of this driver's Job-UUIDs, or nullopt for anybody else's.
std::optional<std::uint64_t> our_sequence(const CallDriverOptions& options, std::string_view uuid) {
  std::string head = fmt::format("{}-{:04x}-", options.job_prefix, options.driver_index);
  if (!uuid.starts_with(head) || uuid.size() < 12) return std::nullopt;
  std::uint64_t sequence = 0;
  const char* digits = uuid.data() + uuid.size() - 12;
  auto parsed = std::from_chars(digits, digits + 12, sequence, 16);
  if (parsed.ec != std::errc()) return std::nullopt;
  return sequence;
}

// "+OK <uuid>\n" -> "<uuid>"
std::string_view ok_argument(std::string_view body) {
  body.remove_prefix(std::min<std::size_t>(4, body.size()));
  while (!body.empty() && (body.back() == '\n' || body.back() == ' ')) body.remove_suffix(1);
  return body;
}

}  // namespace

asio::awaitable<void> call_driver(const Target& target, CallDriverOptions options,
                                  CallDriverShared& shared, CallDriverResult& result) {
  Connection connection(co_await asio::this_coro::executor, 65536);
  std::error_code ec = co_await connection.open(target);
  if (!ec) ec = co_await connection.command("event plain BACKGROUND_JOB\n\n", "+OK");
  ++shared.ready;
  if (ec) {
    result.first_failure = ec.message();
    ++shared.finished;
    co_return;
  }
  while (!shared.go.load()) co_await sleep_for(std::chrono::microseconds(500));

  std::unordered_map<std::uint64_t, PendingJob> pending;
  std::uint64_t next_sequence = 0;
  std::uint64_t in_flight = 0;  // calls between their originate and their end
  std::string packet;
  auto may_start = [&] {
    return result.originated < options.max_calls && !shared.stop_originating.load();
  };
  auto queue_originate = [&] {
    std::uint64_t sequence = next_sequence++;
    std::int64_t now = monotonic_ns();
    pending.emplace(sequence, PendingJob{JobKind::kOriginate, now, now});
    fmt::format_to(std::back_inserter(packet), "bgapi originate {}\nJob-UUID: {}\n\n",
                   options.originate_args, job_uuid(options, sequence));
    ++result.originated;
    ++in_flight;
  };

  packet.clear();
  for (int i = 0; i < options.window && may_start(); ++i) queue_originate();
  if (!packet.empty()) ec = co_await connection.send(packet);

  protocol::Message message;
  while (!ec && in_flight > 0) {
    ec = co_await connection.read_message(message);
    if (ec) break;
    if (message.content_type() == "command/reply") {
      if (!reply_text(message).starts_with("+OK Job-UUID")) ++result.rejected_commands;
      continue;
    }
    if (message.content_type() != "text/event-plain") continue;
    auto event = protocol::parse_header_block(message.body, false);
    const std::string* uuid = event.header("Job-UUID");
    if (!uuid) continue;
    auto sequence = our_sequence(options, *uuid);
    if (!sequence) continue;
    auto it = pending.find(*sequence);
    if (it == pending.end()) continue;
    PendingJob job = it->second;
    pending.erase(it);
    std::int64_t now = monotonic_ns();
    bool ok = event.body.starts_with("+OK");
    if (!ok && result.first_failure.empty()) result.first_failure = event.body;
    bool call_over = true;
    packet.clear();
    if (job.kind == JobKind::kOriginate) {
      result.originate_latency.record(now - job.sent_ns);
      if (!ok) {
        ++result.originate_failures;
      } else {
        ++result.answered;
        std::string_view a_leg = ok_argument(event.body);
        if (options.kill) {
          std::uint64_t kill_sequence = next_sequence++;
          pending.emplace(kill_sequence, PendingJob{JobKind::kKill, now, job.call_started_ns});
          fmt::format_to(std::back_inserter(packet), "bgapi uuid_kill {}\nJob-UUID: {}\n\n", a_leg,
                         job_uuid(options, kill_sequence));
          call_over = false;
        } else {
          result.a_leg_uuids.emplace_back(a_leg);
        }
      }
    } else {
      result.kill_latency.record(now - job.sent_ns);
      result.call_latency.record(now - job.call_started_ns);
      if (ok) {
        ++result.killed;
      } else {
        ++result.kill_failures;
      }
    }
    if (call_over) {
      --in_flight;
      result.last_done = Clock::now();
      if (may_start()) queue_originate();
    }
    if (!packet.empty()) ec = co_await connection.send(packet);
  }
  if (ec && result.first_failure.empty()) result.first_failure = ec.message();
  if (!ec) co_await connection.command("exit\n\n", "+OK bye");
  connection.close();
  ++shared.finished;
}

CallDriverResult DriverSet::total() const {
  CallDriverResult sum;
  for (const auto& r : results) {
    sum.originated += r->originated;
    sum.answered += r->answered;
    sum.originate_failures += r->originate_failures;
    sum.killed += r->killed;
    sum.kill_failures += r->kill_failures;
    sum.rejected_commands += r->rejected_commands;
    sum.originate_latency.merge(r->originate_latency);
    sum.kill_latency.merge(r->kill_latency);
    sum.call_latency.merge(r->call_latency);
    sum.last_done = std::max(sum.last_done, r->last_done);
    if (sum.first_failure.empty()) sum.first_failure = r->first_failure;
  }
  return sum;
}

void spawn_drivers(LoadRuntime& runtime, const Target& target, int connections, std::uint64_t calls,
                   const CallDriverOptions& base, DriverSet& set) {
  auto count = static_cast<std::uint64_t>(connections);
  for (std::uint64_t c = 0; c < count; ++c) {
    CallDriverOptions options = base;
    options.driver_index = static_cast<int>(c);
    options.max_calls = calls / count + (c < calls % count ? 1 : 0);
    set.results.push_back(std::make_unique<CallDriverResult>());
    asio::co_spawn(runtime.io(c + 1), call_driver(target, options, set.shared, *set.results.back()),
                   asio::detached);
  }
}

std::string random_job_prefix() {
  std::random_device entropy;
  return fmt::format("{:08x}", entropy());
}

asio::awaitable<std::optional<std::string>> api_body(Connection& connection,
                                                     std::string_view command) {
  protocol::Message reply;
  std::string packet = fmt::format("api {}\n\n", command);
  if (co_await connection.call(packet, reply)) co_return std::nullopt;
  co_return std::move(reply.body);
}

asio::awaitable<std::int64_t> active_sessions(Connection& connection) {
  auto body = co_await api_body(connection, "status");
  if (!body) co_return -1;
  std::string_view text = *body;
  std::size_t marker = text.find(" session(s) - peak");
  if (marker == std::string_view::npos) co_return -1;
  std::size_t line_start = text.rfind('\n', marker);
  line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
  std::int64_t count = -1;
  std::from_chars(text.data() + line_start, text.data() + marker, count);
  co_return count;
}

asio::awaitable<std::int64_t> wait_for_sessions(Connection& connection, std::int64_t target,
                                                Clock::duration limit) {
  auto deadline = Clock::now() + limit;
  std::int64_t count = co_await active_sessions(connection);
  while (count != target && count >= 0 && Clock::now() < deadline) {
    co_await sleep_for(std::chrono::milliseconds(10));
    count = co_await active_sessions(connection);
  }
  co_return count;
}

asio::awaitable<std::string> raise_session_limits(Connection& connection, std::uint64_t sessions,
                                                  std::uint64_t per_second) {
  auto limit = co_await api_body(connection, fmt::format("fsctl max_sessions {}", sessions));
  auto rate = co_await api_body(connection, fmt::format("fsctl sps {}", per_second));
  if (!limit || !rate || !limit->starts_with("+OK") || !rate->starts_with("+OK")) co_return "";
  auto trim = [](std::string text) {
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
  };
  co_return trim(*limit) + "; " + trim(*rate);
}

}  // namespace es::bench
