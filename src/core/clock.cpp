#include "core/clock.hpp"

namespace es::core {

std::int64_t RealClock::now_epoch_us() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t RealClock::now_monotonic_us() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

SimulatedClock::SimulatedClock(std::int64_t start_epoch_us) : start_epoch_us_(start_epoch_us) {}

std::int64_t SimulatedClock::now_epoch_us() const {
  return start_epoch_us_ + elapsed_us_.load(std::memory_order_acquire);
}

std::int64_t SimulatedClock::now_monotonic_us() const {
  return elapsed_us_.load(std::memory_order_acquire);
}

void SimulatedClock::advance_us(std::int64_t delta) {
  elapsed_us_.fetch_add(delta, std::memory_order_acq_rel);
}

}  // namespace es::core
