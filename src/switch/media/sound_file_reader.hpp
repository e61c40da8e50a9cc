#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "switch/media/resampler.hpp"

typedef struct sf_private_tag SNDFILE;

namespace es::media {

// Decodes any file libsndfile reads to the switch's format: channels are averaged to mono
// and other rates are resampled to 8000 Hz.
class SoundFileReader {
 public:
  struct OpenResult {
    std::unique_ptr<SoundFileReader> reader;
    bool not_found = false;  // the file does not exist (as opposed to: exists, unreadable)
    std::string error;
  };

  // `start_frame` skips that many of the file's own sample frames (at its own rate), the
  // way a seek does; past the end leaves only the last frame to play. With
  // `search_rate_dirs` the per-rate folders of sound_file_candidates() are tried first.
  static OpenResult open(const std::string& path, std::int64_t start_frame = 0,
                         bool search_rate_dirs = false);

  ~SoundFileReader();
  SoundFileReader(const SoundFileReader&) = delete;
  SoundFileReader& operator=(const SoundFileReader&) = delete;

  // Writes up to `count` 8 kHz mono samples; fewer only at the end of the file.
  std::size_t read(std::int16_t* out, std::size_t count);

  int file_rate() const { return file_rate_; }
  int file_channels() const { return file_channels_; }

 private:
  SoundFileReader(SNDFILE* file, int rate, int channels);
  // Reads up to `frames` file frames, mixed to mono, into mono_; returns how many.
  std::size_t read_mono(std::size_t frames);

  SNDFILE* file_;
  int file_rate_;
  int file_channels_;
  bool file_ended_ = false;
  std::vector<std::int16_t> interleaved_;
  std::vector<std::int16_t> mono_;
  std::optional<Resampler> resampler_;
};

// Candidate locations for a sound file, in the order they are tried: FreeSWITCH keeps
// prompts in per-rate folders (…/ivr/8000/x.wav), so <dir>/<rate>/<name> is tried first for
// 8000, 48000, 32000 and 16000 Hz, then the path as given.
std::vector<std::string> sound_file_candidates(const std::string& path);

}  // namespace es::media
