// Shared pieces of the media applications (docs/call-behaviour.md §11): file playback paced on the
// switch clock (switch_ivr_play_file), the playback_terminators rule, and waiting that lets
// simulated time settle.
#pragma once

#include <asio/awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "switch/application_registry.hpp"
#include "switch/media/audio_source.hpp"

namespace es::sw {

class Session;

// FreeSWITCH's statuses as far as the applications tell them apart.
enum class PlayStatus {
  kSuccess,   // played to the end
  kBreak,     // a digit or a break request stopped it
  kNotFound,  // could not be opened
  kFalse,     // hangup, no file, not ready
};

// What a digit received while playing does.
enum class DigitMode {
  kIgnore,       // digits stay queued (switch_ivr_play_file without input arguments)
  kTerminators,  // playback_terminators stop the playback (mod_dptools on_dtmf)
  kCapture,      // the first digit stops it and is kept (read's prompt)
};

struct PlayOutcome {
  PlayStatus status = PlayStatus::kSuccess;
  char captured = 0;  // kCapture: the digit that stopped the prompt
};

inline constexpr std::int64_t kFrameUs = 20000;

// Waits on the session until signalled or `deadline_us`, not counted as running meanwhile.
asio::awaitable<void> media_wait(Session& s, std::int64_t deadline_us);

// Where relative sound files are looked up: the channel's sound_prefix, else the switch's folder.
std::string sound_prefix(const Session& s);

// The playback_terminators variable as a digit set ("*" unless set; "any"; "none" = empty).
std::string playback_terminators(const Session& s);

// Applies the terminator rule to one received digit: true (and playback_terminator_used set)
// when it ends the operation.
bool is_playback_terminator(Session& s, char digit);

// Plays `file` (`@@<n>` allowed) to the channel's far end, one frame every 20 ms of the
// switch clock, with PLAYBACK_START / PLAYBACK_STOP; queued commands run meanwhile.
asio::awaitable<PlayOutcome> play_file(Session& s, std::string_view file, DigitMode mode);

// Plays an already opened source without playback events (gentones).
asio::awaitable<PlayOutcome> play_source(Session& s, media::AudioSource& source, DigitMode mode);

// Longest text speak_text synthesizes (after '*' and '#' become words): about four minutes of
// speech, 4 MB of 8 kHz audio held while it plays. Longer text is refused with an error.
inline constexpr std::size_t kMaxSpeechTextBytes = 4096;

// switch_ivr_speak_text: `text` spoken by `engine` (only "flite") with `voice` (docs/speech.md),
// on the switch clock like play_source, without playback events. kFalse when the engine or
// voice is unknown (logged as FreeSWITCH logs it), the text too long or the synthesis failed.
asio::awaitable<PlayOutcome> speak_text(Session& s, std::string_view engine,
                                        const std::optional<std::string>& voice,
                                        std::string_view text, DigitMode mode);

// "FILE PLAYED" / "FILE NOT FOUND" / "PLAYBACK ERROR" into current_application_response.
void set_playback_response(Session& s, PlayStatus status);

// Registration helpers of the media application files.
void add_media_app(ApplicationRegistry& r, std::string name, std::string syntax,
                   std::string description, ApplicationFunction fn);
void register_playback_apps(ApplicationRegistry& r);  // media_apps_playback.cpp
void register_read_apps(ApplicationRegistry& r);      // media_apps_read.cpp
void register_record_apps(ApplicationRegistry& r);    // media_apps_record.cpp
void register_say_apps(ApplicationRegistry& r);       // media_apps_say.cpp

// playback's "phrase:<macro>[:<data>]": the macro in the channel's language.
asio::awaitable<PlayStatus> play_phrase(Session& s, std::string_view spec);
void register_speak_apps(ApplicationRegistry& r);     // media_apps_speak.cpp
void register_displace_apps(ApplicationRegistry& r);  // media_apps_displace.cpp

}  // namespace es::sw
