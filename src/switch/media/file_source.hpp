#pragma once

#include <memory>

#include "switch/media/audio_source.hpp"
#include "switch/media/sound_file_reader.hpp"

namespace es::media {

// Plays a decoded sound file frame by frame.
class FileSource final : public AudioSource {
 public:
  explicit FileSource(std::unique_ptr<SoundFileReader> reader) : reader_(std::move(reader)) {}
  bool read(Frame& out) override;

 private:
  std::unique_ptr<SoundFileReader> reader_;
  bool ended_ = false;
};

}  // namespace es::media
