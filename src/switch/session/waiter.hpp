// The one way anything in the switch waits: until signalled or until a deadline on the switch
// clock (so simulated time drives it too). A coroutine on one executor waits; any thread may
// signal. A signal that arrives while nobody waits is kept for the next wait.
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/steady_timer.hpp>

#include <atomic>
#include <cstdint>
#include <memory>

#include "core/clock.hpp"
#include "core/timers.hpp"

namespace es::sw {

class Waiter : public std::enable_shared_from_this<Waiter> {
 public:
  // `executor` must be the (strand) executor the waiting coroutine runs on.
  Waiter(const asio::any_io_executor& executor, core::Timers& timers, const core::Clock& clock);

  void signal();
  // Returns when signalled (a pending signal counts) or when the clock reaches `deadline_us`
  // (monotonic; negative: no deadline). Returns true if a signal ended the wait.
  asio::awaitable<bool> wait_until(std::int64_t deadline_us);
  // Convenience: now + `ms` milliseconds.
  std::int64_t deadline_after_ms(std::int64_t ms) const;
  const core::Clock& clock() const { return clock_; }

 private:
  asio::any_io_executor executor_;
  core::Timers& timers_;
  const core::Clock& clock_;
  asio::steady_timer timer_;
  std::atomic<bool> pending_{false};
  std::atomic<bool> cancel_posted_{false};
};

}  // namespace es::sw
