// The load tool's event loops: one io_context per thread, connections spread over them
// round-robin. Coroutines on different contexts share only atomics and their own result
// slots, which are read after run() has joined every thread.
#pragma once

#include <asio.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

namespace es::bench {

using Clock = std::chrono::steady_clock;

// CLOCK_MONOTONIC in nanoseconds: the same clock in every process of the machine, so a
// timestamp written by a publisher can be compared with the time a subscriber reads it.
inline std::int64_t monotonic_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

inline double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

class LoadRuntime {
 public:
  explicit LoadRuntime(int threads);

  std::size_t size() const { return contexts_.size(); }
  asio::io_context& io(std::size_t index) { return *contexts_[index % contexts_.size()]; }

  // Runs every context (the calling thread runs the first) until stop() or until `limit` has
  // elapsed. Returns true when stop() ended the run, false on the time limit.
  bool run(Clock::duration limit);
  // Thread-safe; ends run().
  void stop();
  bool stopped() const { return stopped_.load(); }

 private:
  std::vector<std::unique_ptr<asio::io_context>> contexts_;
  std::atomic<bool> stopped_{false};
};

// Suspends the calling coroutine for `delay`.
asio::awaitable<void> sleep_for(Clock::duration delay);

}  // namespace es::bench
