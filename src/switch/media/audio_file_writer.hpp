#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "switch/media/frame.hpp"

typedef struct sf_private_tag SNDFILE;

namespace es::media {

// Records 8 kHz frames to a file whose format follows the extension: .wav (PCM16),
// .au, .aif/.aiff, .flac, .ogg/.oga (Vorbis), headerless .raw/.r8 (PCM16), .ul/.ulaw,
// .al/.alaw, .gsm; anything else is written as WAV. Parent folders are not created.
// Mono, or two channels (a stereo call recording) written a pair of frames at a time.
class AudioFileWriter {
 public:
  // `channels` 1 or 2 (GSM takes mono only: its open fails with 2).
  static std::unique_ptr<AudioFileWriter> open(const std::string& path, std::string* error,
                                               int channels = 1);

  AudioFileWriter(const AudioFileWriter&) = delete;
  AudioFileWriter& operator=(const AudioFileWriter&) = delete;
  ~AudioFileWriter();  // closes (finalizes header)

  // Mono: the frame. Stereo: the frame on both channels.
  bool write(const Frame& frame);
  // Stereo: `left` and `right` interleaved (mono: their mix would be wrong; refused).
  bool write(const Frame& left, const Frame& right);
  int channels() const { return channels_; }
  std::int64_t frames_written() const { return frames_written_; }

 private:
  AudioFileWriter(SNDFILE* file, int channels) : file_(file), channels_(channels) {}

  SNDFILE* file_;
  int channels_;
  std::int64_t frames_written_ = 0;
};

}  // namespace es::media
