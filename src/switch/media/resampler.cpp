#include "switch/media/resampler.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

namespace es::media {
namespace {

// Zero crossings of the sinc kept on each side, at the filter's cutoff. Eight keeps the
// stop band well below the 16-bit noise floor of telephone audio at modest cost.
constexpr double kZeroCrossings = 8.0;
// Cut off a little below the lower Nyquist frequency so the transition band does not alias.
constexpr double kCutoffMargin = 0.94;
// Above this many distinct output phases the nearest tabulated phase is used instead.
constexpr std::int64_t kMaxPhases = 512;

double sinc(double x) {
  if (std::abs(x) < 1e-12) return 1.0;
  const double px = std::numbers::pi * x;
  return std::sin(px) / px;
}

double blackman(double x, double half) {
  // x in (-half, half); zero at the ends.
  const double t = std::numbers::pi * x / half;
  return 0.42 + 0.5 * std::cos(t) + 0.08 * std::cos(2.0 * t);
}

}  // namespace

Resampler::Resampler(int in_rate, int out_rate) : in_rate_(in_rate), out_rate_(out_rate) {
  const std::int64_t g = std::gcd(in_rate, out_rate);
  step_num_ = in_rate / g;
  step_den_ = out_rate / g;

  // Cutoff as a fraction of the input Nyquist frequency.
  const double cutoff = kCutoffMargin * std::min(1.0, static_cast<double>(out_rate) / in_rate);
  half_width_ = static_cast<int>(std::ceil(kZeroCrossings / cutoff));
  phase_count_ = static_cast<int>(std::min(step_den_, kMaxPhases));

  const int width = 2 * half_width_;
  taps_.resize(static_cast<std::size_t>(phase_count_ + 1) * width);
  for (int p = 0; p <= phase_count_; ++p) {
    const double frac = static_cast<double>(p) / phase_count_;
    float* row = &taps_[static_cast<std::size_t>(p) * width];
    double sum = 0.0;
    for (int j = 0; j < width; ++j) {
      // Tap j multiplies input base - half_width_ + 1 + j; d is its distance to the instant.
      const double d = frac + half_width_ - 1 - j;
      const double h = cutoff * sinc(cutoff * d) * blackman(d, half_width_);
      row[j] = static_cast<float>(h);
      sum += h;
    }
    // Unity gain at DC for every phase, so silence stays silence and levels do not ripple.
    for (int j = 0; j < width; ++j) row[j] = static_cast<float>(row[j] / sum);
  }
  input_.reserve(4096);
}

void Resampler::push(std::span<const std::int16_t> input) {
  // Drop what no future output instant can reach before growing the buffer.
  const std::int64_t keep_from = base_ - half_width_ + 1;
  if (keep_from > input_origin_ &&
      static_cast<std::size_t>(keep_from - input_origin_) * 2 >= input_.size()) {
    const auto drop =
        static_cast<std::size_t>(std::min<std::int64_t>(keep_from - input_origin_, input_.size()));
    input_.erase(input_.begin(), input_.begin() + static_cast<std::ptrdiff_t>(drop));
    input_origin_ += static_cast<std::int64_t>(drop);
  }
  for (std::int16_t s : input) input_.push_back(static_cast<float>(s));
  input_total_ += static_cast<std::int64_t>(input.size());
}

void Resampler::finish() {
  finished_ = true;
}

bool Resampler::drained() const {
  if (!finished_) return false;
  // ceil(input_total_ * out / in) outputs in all.
  const std::int64_t total = (input_total_ * step_den_ + step_num_ - 1) / step_num_;
  return produced_ >= total;
}

bool Resampler::next_output_ready() const {
  if (finished_) return !drained();
  return base_ + half_width_ < input_total_;
}

float Resampler::input_at(std::int64_t index) const {
  if (index < input_origin_ || index >= input_origin_ + static_cast<std::int64_t>(input_.size()))
    return 0.0f;
  return input_[static_cast<std::size_t>(index - input_origin_)];
}

std::size_t Resampler::pull(std::span<std::int16_t> out) {
  const int width = 2 * half_width_;
  std::size_t written = 0;
  while (written < out.size() && next_output_ready()) {
    const auto row_index =
        phase_count_ == step_den_ ? phase_ : (phase_ * phase_count_ + step_den_ / 2) / step_den_;
    const float* row = &taps_[static_cast<std::size_t>(row_index) * width];
    const std::int64_t first = base_ - half_width_ + 1;
    float acc = 0.0f;
    const std::int64_t end = input_origin_ + static_cast<std::int64_t>(input_.size());
    if (first >= input_origin_ && first + width <= end) {
      const float* x = &input_[static_cast<std::size_t>(first - input_origin_)];
      for (int j = 0; j < width; ++j) acc += x[j] * row[j];
    } else {
      // Near the start or the end: samples outside the signal are silence.
      for (int j = 0; j < width; ++j) acc += input_at(first + j) * row[j];
    }
    const float rounded = std::nearbyint(std::clamp(acc, -32768.0f, 32767.0f));
    out[written++] = static_cast<std::int16_t>(rounded);
    ++produced_;
    phase_ += step_num_;
    base_ += phase_ / step_den_;
    phase_ %= step_den_;
  }
  return written;
}

}  // namespace es::media
