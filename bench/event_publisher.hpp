// Generates event load through `sendevent CUSTOM` (no channels needed): each packet carries
// the send time (CLOCK_MONOTONIC ns) so subscribers can compute delivery latency.
#pragma once

#include <asio.hpp>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "load_connection.hpp"
#include "load_runtime.hpp"

namespace es::bench {

inline constexpr std::string_view kSentHeader = "Bench-Sent-Ns";

struct PublisherPlan {
  std::string subclass = "bench::fan";
  std::uint64_t events = 0;   // how many this publisher sends
  int window = 16;            // sendevents written back to back before reading replies
  double rate = 0;            // events/s for this publisher; 0: as fast as replies allow
  std::size_t pad_bytes = 0;  // size of a filler header, to make events bigger
  Clock::time_point give_up;  // stop sending at this time even if events remain
  const std::atomic<bool>* stop = nullptr;  // stop sending when set
};

struct PublisherTally {
  std::uint64_t sent = 0;
  std::uint64_t acknowledged = 0;  // "+OK <uuid>" replies
  std::uint64_t errors = 0;
  Clock::time_point first_send{};
  Clock::time_point last_ack{};
};

// Sends plan.events sendevent packets on an authenticated connection, `window` at a time.
asio::awaitable<void> publish_events(Connection& connection, int publisher_id,
                                     const PublisherPlan& plan, PublisherTally& tally);

// The number after `key` in an event body, plain ("Key: 123") or JSON ("Key":"123");
// -1 when absent.
std::int64_t find_number_after(std::string_view body, std::string_view key);

}  // namespace es::bench
