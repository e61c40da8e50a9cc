#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "switch/media/audio_source.hpp"
#include "switch/media/flite_engine.hpp"

namespace es::media {

// Plays synthesized speech (the speak application, `say:` playback). The speech is converted
// to the switch's rate once, when the source is made, so read() only copies.
class SpeechSource final : public AudioSource {
 public:
  // `audio` at any rate; it is resampled to 8 kHz here (CPU work: make the source where
  // the synthesis ran, not on an event-loop thread).
  explicit SpeechSource(const SpeechAudio& audio);
  bool read(Frame& out) override;

  // The whole speech at 8 kHz.
  const std::vector<std::int16_t>& samples() const { return samples_; }

 private:
  std::vector<std::int16_t> samples_;
  std::size_t at_ = 0;
};

}  // namespace es::media
