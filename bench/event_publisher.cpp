#include "event_publisher.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace es::bench {

asio::awaitable<void> publish_events(Connection& connection, int publisher_id,
                                     const PublisherPlan& plan, PublisherTally& tally) {
  const std::string padding = plan.pad_bytes ? std::string(plan.pad_bytes, 'x') : std::string();
  std::string batch;
  protocol::Message reply;
  auto window = static_cast<std::uint64_t>(std::max(plan.window, 1));
  auto start = Clock::now();
  tally.first_send = start;
  while (tally.sent < plan.events) {
    if (Clock::now() >= plan.give_up || (plan.stop && plan.stop->load())) break;
    std::uint64_t count = std::min(window, plan.events - tally.sent);
    if (plan.rate > 0) {
      // Open-loop pacing: batch k leaves at start + k * window / rate, late or not.
      auto due = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                             static_cast<double>(tally.sent) / plan.rate));
      if (due > Clock::now()) co_await sleep_for(due - Clock::now());
    }
    batch.clear();
    std::int64_t stamp = monotonic_ns();
    for (std::uint64_t i = 0; i < count; ++i) {
      fmt::format_to(std::back_inserter(batch),
                     "sendevent CUSTOM\nEvent-Subclass: {}\n{}: {}\nBench-Publisher: {}\n"
                     "Bench-Seq: {}\n",
                     plan.subclass, kSentHeader, stamp, publisher_id, tally.sent + i);
      if (!padding.empty()) fmt::format_to(std::back_inserter(batch), "Bench-Pad: {}\n", padding);
      batch += '\n';
    }
    if (co_await connection.send(batch)) {
      ++tally.errors;
      co_return;
    }
    tally.sent += count;
    for (std::uint64_t i = 0; i < count; ++i) {
      if (co_await connection.read_message(reply)) {
        ++tally.errors;
        co_return;
      }
      if (reply.content_type() == "command/reply" && reply_text(reply).starts_with("+OK")) {
        ++tally.acknowledged;
      } else {
        ++tally.errors;
      }
    }
    tally.last_ack = Clock::now();
  }
}

std::int64_t find_number_after(std::string_view body, std::string_view key) {
  std::size_t at = body.find(key);
  if (at == std::string_view::npos) return -1;
  std::size_t pos = at + key.size();
  // Skip the separator: ": " in plain, "\":\"" in JSON.
  for (int skipped = 0; pos < body.size() && skipped < 4 && (body[pos] < '0' || body[pos] > '9');
       ++skipped) {
    ++pos;
  }
  if (pos >= body.size() || body[pos] < '0' || body[pos] > '9') return -1;
  std::int64_t value = 0;
  for (; pos < body.size() && body[pos] >= '0' && body[pos] <= '9'; ++pos) {
    value = value * 10 + (body[pos] - '0');
  }
  return value;
}

}  // namespace es::bench
