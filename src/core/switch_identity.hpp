// Who this switch is, and the factory that stamps FreeSWITCH's standard headers on every
// event it creates (docs/event-formats.md §3).
#pragma once

#include <atomic>
#include <cstdint>
#include <source_location>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/event.hpp"

namespace es::core {

struct SwitchIdentity {
  std::string core_uuid;  // random per process
  std::string hostname;
  std::string switchname;  // configured name, else the host name
  std::string ipv4;        // guessed local address; header omitted when empty
  std::string ipv6;        // "::1" fallback
  std::string version_full = "1.11.3-dev~64bit";  // FreeSWITCH-Version header shape
  std::int64_t start_epoch_us = 0;

  // Fills the host facts from the machine (hostname, addresses) and a fresh Core-UUID.
  static SwitchIdentity detect(const Clock& clock);
};

class EventFactory {
 public:
  EventFactory(const SwitchIdentity& identity, const Clock& clock)
      : identity_(identity), clock_(clock) {}

  // A new event with the standard headers appended (and Event-Subclass after them).
  Event create(EventType type, std::string_view subclass = {},
               std::source_location where = std::source_location::current());
  // Appends the standard headers to an existing event (sendevent, PRIVATE_COMMAND).
  void prepare(Event& event, std::source_location where = std::source_location::current());

  // Counts an event that is not built because no subscriber would receive it, so the events
  // that are built keep the sequence numbers FreeSWITCH would give them.
  void skip() { sequence_.fetch_add(1, std::memory_order_relaxed); }
  std::uint64_t last_sequence() const { return sequence_.load(std::memory_order_relaxed); }
  const SwitchIdentity& identity() const { return identity_; }
  const Clock& clock() const { return clock_; }

 private:
  const SwitchIdentity& identity_;
  const Clock& clock_;
  std::atomic<std::uint64_t> sequence_{0};
};

// The bare function name in a source_location::function_name() signature
// ("es::core::Event es::core::make_event(int)" -> "make_event"): FreeSWITCH reports __func__.
std::string_view bare_function_name(std::string_view signature);

// Date formats used in standard headers and logs.
std::string format_local_date(std::int64_t epoch_us);  // "YYYY-MM-DD hh:mm:ss"
std::string format_gmt_date(std::int64_t epoch_us);    // "Tue, 04 Mar 2025 10:20:30 GMT"
// "<y> years, <d> days, <h> hours, ..." with singular units for exactly 1 (status, Up-Time).
std::string format_uptime(std::int64_t elapsed_us);

}  // namespace es::core
