#include "latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace es::bench {

// Values below 64 get one bucket each; above, bucket = (exponent, top 6 bits below the MSB).
int LatencyHistogram::bucket_of(std::uint64_t value) {
  if (value < kSubBuckets) return static_cast<int>(value);
  int msb = 63 - std::countl_zero(value);
  int shift = msb - kSubBits;
  int sub = static_cast<int>((value >> shift) & (kSubBuckets - 1));
  return (shift + 1) * kSubBuckets + sub;
}

std::uint64_t LatencyHistogram::upper_edge(int bucket) {
  if (bucket < kSubBuckets) return static_cast<std::uint64_t>(bucket);
  int shift = bucket / kSubBuckets - 1;
  std::uint64_t sub = static_cast<std::uint64_t>(bucket % kSubBuckets);
  std::uint64_t base = (std::uint64_t{kSubBuckets} | sub) << shift;
  return base + ((std::uint64_t{1} << shift) - 1);
}

void LatencyHistogram::record(std::int64_t nanoseconds) {
  std::int64_t value = std::max<std::int64_t>(nanoseconds, 0);
  ++buckets_[static_cast<std::size_t>(bucket_of(static_cast<std::uint64_t>(value)))];
  if (count_ == 0 || value < min_) min_ = value;
  max_ = std::max(max_, value);
  sum_ += value;
  ++count_;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  for (std::size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  min_ = count_ ? std::min(min_, other.min_) : other.min_;
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
  count_ += other.count_;
}

std::int64_t LatencyHistogram::quantile(double q) const {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
  rank = std::max<std::uint64_t>(rank, 1);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      return std::min<std::int64_t>(static_cast<std::int64_t>(upper_edge(static_cast<int>(i))),
                                    max_);
    }
  }
  return max_;
}

}  // namespace es::bench
