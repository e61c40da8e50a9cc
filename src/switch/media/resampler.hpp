#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace es::media {

// Streaming sample-rate converter for mono L16: a windowed-sinc low-pass evaluated at the
// output instants, with the coefficients for every output phase computed once up front so
// that converting is multiply-adds only. Signal before the first and after the last input
// sample is taken as silence, so `in_count` input samples yield ceil(in_count * out / in)
// output samples.
class Resampler {
 public:
  Resampler(int in_rate, int out_rate);

  // Appends input. Amortised allocation-free once the buffer reached its working size.
  void push(std::span<const std::int16_t> input);
  // Declares the end of the input; the remaining output becomes available.
  void finish();
  // Writes up to out.size() samples; fewer when more input is needed (or, after finish(),
  // when the output is complete).
  std::size_t pull(std::span<std::int16_t> out);
  // True after finish() once every output sample has been pulled.
  bool drained() const;

  int in_rate() const { return in_rate_; }
  int out_rate() const { return out_rate_; }

 private:
  bool next_output_ready() const;
  float input_at(std::int64_t index) const;

  int in_rate_;
  int out_rate_;
  std::int64_t step_num_;  // input advance per output sample = step_num_ / step_den_
  std::int64_t step_den_;
  int half_width_;           // taps either side of the output instant
  int phase_count_;          // rows in the coefficient table
  std::vector<float> taps_;  // phase_count_ + 1 rows of 2 * half_width_ coefficients

  std::vector<float> input_;  // buffered input; input_[i] is sample input_origin_ + i
  std::int64_t input_origin_ = 0;
  std::int64_t input_total_ = 0;  // samples pushed so far
  bool finished_ = false;
  std::int64_t produced_ = 0;  // output samples pulled so far
  std::int64_t base_ = 0;      // input index at or before the next output instant
  std::int64_t phase_ = 0;     // fractional part of that instant, in 1/step_den_
};

}  // namespace es::media
