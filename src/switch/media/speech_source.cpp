#include "switch/media/speech_source.hpp"

#include <algorithm>
#include <span>

#include "switch/media/resampler.hpp"

namespace es::media {

SpeechSource::SpeechSource(const SpeechAudio& audio) {
  if (audio.rate == kSampleRate || audio.rate < 1) {
    samples_ = audio.samples;
    return;
  }
  Resampler resampler(audio.rate, kSampleRate);
  resampler.push(audio.samples);
  resampler.finish();
  // ceil(in * out / in_rate) samples come out in all.
  const auto total = (audio.samples.size() * static_cast<std::size_t>(kSampleRate) +
                      static_cast<std::size_t>(audio.rate) - 1) /
                     static_cast<std::size_t>(audio.rate);
  samples_.resize(total);
  samples_.resize(resampler.pull(samples_));
}

bool SpeechSource::read(Frame& out) {
  if (at_ >= samples_.size()) return false;
  const std::size_t n = std::min<std::size_t>(kFrameSamples, samples_.size() - at_);
  std::copy_n(samples_.begin() + static_cast<std::ptrdiff_t>(at_), n, out.samples.begin());
  std::fill(out.samples.begin() + static_cast<std::ptrdiff_t>(n), out.samples.end(),
            std::int16_t{0});
  at_ += n;
  return true;
}

}  // namespace es::media
