#pragma once

#include <array>
#include <cstdint>

namespace es::media {

// The switch's one media format: signed 16-bit linear (L16), mono, 8000 Hz, 20 ms per frame.
inline constexpr int kSampleRate = 8000;
inline constexpr int kFrameSamples = 160;  // 20 ms
inline constexpr int kSamplesPerMs = kSampleRate / 1000;

struct Frame {
  std::array<std::int16_t, kFrameSamples> samples{};
};

}  // namespace es::media
