#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "switch/media/audio_source.hpp"

namespace es::media::testing {

// A fresh directory under /tmp, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Writes interleaved 16-bit samples as a WAV file at any rate and channel count.
void write_wav(const std::string& path, int rate, int channels,
               const std::vector<std::int16_t>& interleaved);

// Reads a source to its end (at most `limit` frames), concatenating the samples.
std::vector<std::int16_t> drain(AudioSource& source, std::size_t limit = 100000);

// Root-mean-square level of a stretch of samples.
double rms(const std::int16_t* samples, std::size_t count);

// Relative power of `freq` in a stretch of 8 kHz samples (Goertzel), normalised to the
// stretch's total power: near 0.5 for a pure tone at that frequency, near 0 elsewhere.
double tone_share(const std::int16_t* samples, std::size_t count, double freq);

}  // namespace es::media::testing
