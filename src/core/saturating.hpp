// Arithmetic on numbers a client gave (linger and park_timeout seconds, sleep and timeout
// milliseconds, record limits, schedule times): results clamp to the 64-bit range instead of
// overflowing, which C++ leaves undefined. A clamped time is merely very far away (timers clamp
// it again to what their clock can hold: core::kFarFutureUs).
#pragma once

#include <cstdint>
#include <limits>

namespace es::core {

inline constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
inline constexpr std::int64_t kInt64Min = std::numeric_limits<std::int64_t>::min();

constexpr std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) return b > 0 ? kInt64Max : kInt64Min;
  return sum;
}

constexpr std::int64_t saturating_sub(std::int64_t a, std::int64_t b) {
  std::int64_t difference = 0;
  if (__builtin_sub_overflow(a, b, &difference)) return b < 0 ? kInt64Max : kInt64Min;
  return difference;
}

constexpr std::int64_t saturating_mul(std::int64_t a, std::int64_t b) {
  std::int64_t product = 0;
  if (__builtin_mul_overflow(a, b, &product)) return (a < 0) != (b < 0) ? kInt64Min : kInt64Max;
  return product;
}

// `value` clamped to the range of the narrower integer type T.
template <class T>
constexpr T saturate_to(std::int64_t value) {
  if (value > static_cast<std::int64_t>(std::numeric_limits<T>::max())) {
    return std::numeric_limits<T>::max();
  }
  if (value < static_cast<std::int64_t>(std::numeric_limits<T>::min())) {
    return std::numeric_limits<T>::min();
  }
  return static_cast<T>(value);
}

// The latest deadline (microseconds) a timer honours: steady_clock counts nanoseconds in 64
// bits, so anything later (about 292 years of uptime) is clamped to this rather than wrapping
// into the past and firing at once.
inline constexpr std::int64_t kFarFutureUs = kInt64Max / 1000 - 1;

}  // namespace es::core
