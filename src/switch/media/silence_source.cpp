#include "switch/media/silence_source.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "switch/media/tone_script.hpp"

namespace es::media {

SilenceSource::SilenceSource(std::int64_t samples, std::uint32_t noise_divisor)
    : remaining_(samples < 0 ? 0 : samples),
      forever_(samples < 0),
      noise_divisor_(noise_divisor),
      noise_state_(static_cast<std::uint16_t>(reinterpret_cast<std::uintptr_t>(this) >> 4)) {}

bool SilenceSource::read(Frame& out) {
  std::size_t count = out.samples.size();
  if (!forever_) {
    if (remaining_ <= 0) return false;
    count = static_cast<std::size_t>(std::min<std::int64_t>(remaining_, kFrameSamples));
    remaining_ -= static_cast<std::int64_t>(count);
  }
  if (noise_divisor_ == 0) {
    out.samples.fill(0);
    return true;
  }
  for (std::size_t i = 0; i < count; ++i) {
    // Sum of six uniform 16-bit values from a linear congruential generator: cheap, and
    // close enough to Gaussian for comfort noise.
    std::int32_t sum = 0;
    for (int k = 0; k < 6; ++k) {
      noise_state_ = static_cast<std::uint16_t>(noise_state_ * 31821u + 13849u);
      sum += static_cast<std::int16_t>(noise_state_);
    }
    const std::int64_t scaled = sum / static_cast<std::int64_t>(noise_divisor_);
    out.samples[i] = static_cast<std::int16_t>(std::clamp<std::int64_t>(scaled, -32768, 32767));
  }
  std::fill(out.samples.begin() + static_cast<std::ptrdiff_t>(count), out.samples.end(),
            std::int16_t{0});
  return true;
}

std::unique_ptr<SilenceSource> SilenceSource::parse(std::string_view args, std::string* error) {
  const std::int64_t ms = leading_int(args);
  if (ms == 0) {
    if (error != nullptr)
      *error = fmt::format("invalid silence_stream [{}], expected <ms>[,<noise>]", args);
    return nullptr;
  }
  std::uint32_t divisor = 0;
  if (const auto comma = args.find(','); comma != std::string_view::npos) {
    const std::int64_t d = leading_int(args.substr(comma + 1));
    if (d > 0) divisor = static_cast<std::uint32_t>(std::min<std::int64_t>(d, 0xFFFFFFFF));
  }
  return std::make_unique<SilenceSource>(ms < 0 ? -1 : ms * kSamplesPerMs, divisor);
}

}  // namespace es::media
