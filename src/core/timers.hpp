// One-shot timers measured on the Clock's monotonic time, so that everything waiting in the
// switch (sleep, ring time, media pacing) follows simulated time when the clock is simulated.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <unordered_map>

#include "core/clock.hpp"

namespace es::core {

class Timers {
 public:
  using Id = std::uint64_t;
  virtual ~Timers() = default;
  // Calls `fn` once the clock's monotonic time reaches `deadline_us` (from any thread).
  virtual Id call_at(std::int64_t deadline_us, std::function<void()> fn) = 0;
  // A cancelled timer never calls its function; cancelling a fired or unknown id does nothing.
  virtual void cancel(Id id) = 0;
};

// Timers of a SimulatedClock: nothing fires until advance() moves the clock.
class SimulatedTimers final : public Timers {
 public:
  explicit SimulatedTimers(SimulatedClock& clock) : clock_(clock) {}

  Id call_at(std::int64_t deadline_us, std::function<void()> fn) override;
  void cancel(Id id) override;

  // Moves the clock forward by `delta_us`, stopping at every pending deadline on the way: the
  // clock is set to that deadline, its functions run, then `settle` is called so whatever they
  // woke can finish reacting (and schedule new timers) before time moves on.
  void advance(std::int64_t delta_us, const std::function<void()>& settle = {});
  std::size_t pending() const;
  // Deadline of the earliest pending timer, or -1.
  std::int64_t next_deadline() const;

 private:
  SimulatedClock& clock_;
  mutable std::mutex mutex_;
  Id next_id_ = 1;
  std::multimap<std::int64_t, std::pair<Id, std::function<void()>>> queue_;
  std::unordered_map<Id, std::int64_t> deadlines_;
};

}  // namespace es::core
