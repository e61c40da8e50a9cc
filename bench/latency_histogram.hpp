// Log-linear latency histogram: constant memory whatever the sample count, mergeable across
// connections, about 1.6 % relative precision (64 sub-buckets per power of two).
#pragma once

#include <array>
#include <cstdint>

namespace es::bench {

class LatencyHistogram {
 public:
  void record(std::int64_t nanoseconds);
  void merge(const LatencyHistogram& other);

  std::uint64_t count() const { return count_; }
  std::int64_t max() const { return max_; }
  std::int64_t min() const { return count_ ? min_ : 0; }
  double mean() const {
    return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0;
  }
  // Value at quantile q in [0, 1] (upper edge of its bucket, clamped to the maximum seen).
  std::int64_t quantile(double q) const;

 private:
  static constexpr int kSubBits = 6;
  static constexpr int kSubBuckets = 1 << kSubBits;
  static constexpr int kExponents = 64 - kSubBits;
  static constexpr int kBuckets = (kExponents + 1) * kSubBuckets;

  static int bucket_of(std::uint64_t value);
  static std::uint64_t upper_edge(int bucket);

  std::array<std::uint64_t, kBuckets> buckets_{};
  std::uint64_t count_ = 0;
  std::int64_t max_ = 0;
  std::int64_t min_ = 0;
  __int128 sum_ = 0;
};

}  // namespace es::bench
