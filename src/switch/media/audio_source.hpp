#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "switch/media/frame.hpp"

namespace es::media {

// Something that plays: a file, a tone script, silence. read() runs every 20 ms for every
// playing channel, so implementations do their allocating when they are opened.
class AudioSource {
 public:
  virtual ~AudioSource() = default;
  // Next 20 ms; false when the source has ended (a last partial frame is padded with silence
  // and returned true once).
  virtual bool read(Frame& out) = 0;
};

struct OpenedSource {
  std::unique_ptr<AudioSource> source;
  // FreeSWITCH answers "FILE NOT FOUND" whenever a playback cannot be opened; not_found is
  // set for every open failure to match, and `error` says what actually went wrong.
  bool not_found = false;
  std::string error;
};

// Opens what a playback names:
//  * `silence_stream://<ms>[,<noise>]`: silence (or comfort noise, amplitude / <noise>) for
//    <ms>; a negative <ms> never ends; 0 is refused.
//  * `tone_stream://<teletone script>[;loops=<n>]`: see tone_script.hpp.
//  * otherwise a sound file: absolute, or relative to `sound_dir`; a name without extension
//    gets ".wav"; <dir>/<rate>/<name> folders are searched first (see sound_file_reader.hpp).
//    Any rate and channel count libsndfile reads is converted to 8 kHz mono.
// A `@@<start-sample>` suffix starts a file that many of its own samples in. Leading
// `{name=value,...}` parameters are accepted; `loops` applies to tone_stream.
// `may_open` (when set) is asked first about the file path; a refusal fails the open.
//  * `file_string://<a>!<b>!...`: the parts in turn as one playback (file_string_source.hpp);
//    `on_part` hears each part opened, closed, or skipped because it could not be opened.
using FileCheck = std::function<bool(const std::string& path)>;
enum class PartEvent { kOpened, kClosed, kFailed };
using PartObserver =
    std::function<void(PartEvent what, const std::string& part, const std::string& error)>;
OpenedSource open_audio_source(std::string_view spec, std::string_view sound_dir = {},
                               const FileCheck& may_open = {}, const PartObserver& on_part = {});
// The file a playback spec would open (resolved as above), or nullopt for a stream.
std::optional<std::string> audio_file_path(std::string_view spec, std::string_view sound_dir);

// Reads a whole file as 8 kHz mono samples (for tests and tools). false + error if unreadable.
bool read_all_samples(const std::string& path, std::vector<std::int16_t>& out, std::string* error);

}  // namespace es::media
