#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "switch/media/audio_source.hpp"

namespace es::media {

// file_string://a!b!c (mod_dptools' file_string format): the parts played one after another as
// a single playback. A part that cannot be opened is reported and skipped; the whole fails to
// open only when no part opens. When the first part opens, 250 ms of silence come before it
// (rounded up to whole frames: 13 frames, 260 ms).
class FileStringSource final : public AudioSource {
 public:
  // FreeSWITCH splits into at most 128 parts; the last one keeps any further '!'.
  static constexpr std::size_t kMaxParts = 128;
  static constexpr int kLeadingSilenceFrames = 13;

  // `list` is what follows "file_string://".
  static OpenedSource open(std::string_view list, std::string_view sound_dir,
                           const FileCheck& may_open, const PartObserver& observer);
  bool read(Frame& out) override;

 private:
  FileStringSource(std::vector<std::string> parts, std::string_view sound_dir, FileCheck may_open,
                   PartObserver observer);
  // Closes the current part and opens the next one that opens; false when none is left.
  bool next();

  std::vector<std::string> parts_;
  std::string sound_dir_;
  FileCheck may_open_;
  PartObserver observer_;
  std::size_t index_ = 0;  // of the next part to try
  std::unique_ptr<AudioSource> current_;
  int silence_frames_ = 0;
};

}  // namespace es::media
