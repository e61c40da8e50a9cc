// Time goes through this interface so tests can run simulated time.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace es::core {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time: microseconds since the Unix epoch.
  virtual std::int64_t now_epoch_us() const = 0;
  // Monotonic time in microseconds from an arbitrary origin.
  virtual std::int64_t now_monotonic_us() const = 0;
  // True for a clock that moves only when told to (log lines say so).
  virtual bool simulated() const { return false; }
};

class RealClock final : public Clock {
 public:
  std::int64_t now_epoch_us() const override;
  std::int64_t now_monotonic_us() const override;
};

// Starts at a given epoch time and moves only when advanced.
class SimulatedClock final : public Clock {
 public:
  explicit SimulatedClock(std::int64_t start_epoch_us);
  std::int64_t now_epoch_us() const override;
  std::int64_t now_monotonic_us() const override;
  void advance_us(std::int64_t delta);
  bool simulated() const override { return true; }

 private:
  std::int64_t start_epoch_us_;
  std::atomic<std::int64_t> elapsed_us_{0};
};

}  // namespace es::core
