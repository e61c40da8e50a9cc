#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "switch/media/frame.hpp"

typedef struct sf_private_tag SNDFILE;

namespace es::media {

// Records 8 kHz mono frames to a file whose format follows the extension: .wav (PCM16),
// .au, .aif/.aiff, .flac, .ogg/.oga (Vorbis), headerless .raw/.r8 (PCM16), .ul/.ulaw,
// .al/.alaw, .gsm; anything else is written as WAV. Parent folders are not created.
class AudioFileWriter {
 public:
  static std::unique_ptr<AudioFileWriter> open(const std::string& path, std::string* error);

  AudioFileWriter(const AudioFileWriter&) = delete;
  AudioFileWriter& operator=(const AudioFileWriter&) = delete;
  ~AudioFileWriter();  // closes (finalizes header)

  bool write(const Frame& frame);
  std::int64_t frames_written() const { return frames_written_; }

 private:
  explicit AudioFileWriter(SNDFILE* file) : file_(file) {}

  SNDFILE* file_;
  std::int64_t frames_written_ = 0;
};

}  // namespace es::media
