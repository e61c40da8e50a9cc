// A 440 Hz tone cut into the switch's 20 ms frames, shared by the RTP stream and media driver
// tests (both check that audio, not silence, crosses the socket).
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>

#include "switch/media/frame.hpp"

namespace es::sip::rtp {

inline media::Frame tone_frame(int index) {
  media::Frame frame;
  for (int i = 0; i < media::kFrameSamples; ++i) {
    const double t = static_cast<double>(index * media::kFrameSamples + i) / media::kSampleRate;
    frame.samples[i] =
        static_cast<std::int16_t>(std::lround(8000 * std::sin(2 * std::numbers::pi * 440 * t)));
  }
  return frame;
}

}  // namespace es::sip::rtp
