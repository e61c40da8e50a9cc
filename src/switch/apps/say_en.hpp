// The English say module (mod_say_en) as pure functions: what to say becomes the list of sound
// files FreeSWITCH would play, in order (docs/say-and-phrases.md). No session, no I/O; the
// clock and the time zone come in as arguments so the sequences are testable.
#pragma once

#include <cstdint>
#include <ctime>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace es::sw::say {

// switch_say_type_t in FreeSWITCH's order; a name not in the list reads as kUnknown.
enum class Type {
  kNumber,
  kItems,
  kPersons,
  kMessages,
  kCurrency,
  kTimeMeasurement,
  kCurrentDate,
  kCurrentTime,
  kCurrentDateTime,
  kTelephoneNumber,
  kTelephoneExtension,
  kUrl,
  kIpAddress,
  kEmailAddress,
  kPostalAddress,
  kAccountNumber,
  kNameSpelled,
  kNamePhonetic,
  kShortDateTime,
  kUnknown,
};

// switch_say_method_t: "N/A" is the first name; an unknown name reads as kUnknown.
enum class Method { kNone, kPronounced, kIterated, kCounted, kPronouncedYear, kUnknown };

// Case-insensitive lookups by FreeSWITCH's names ("NUMBER", "pronounced", ...).
Type type_by_name(std::string_view name);
Method method_by_name(std::string_view name);

// What the date and time types need from the outside world.
struct SayClock {
  std::int64_t now_epoch_s = 0;
  // Broken-down time of an epoch second (local time, or the channel's time zone).
  std::function<std::tm(std::int64_t)> breakdown;
};

struct SayResult {
  bool ok = false;                 // false: a parse error or a type English cannot say
  std::string error;               // why, for the log ("Parse Error!", "Unknown Say type=[19]")
  std::vector<std::string> files;  // sound names without extension, or streams (silence_stream://)
};

// The sequence mod_say_en builds for `text`. A result can be ok with files empty (a method
// the type ignores): FreeSWITCH then plays nothing.
SayResult say_en(Type type, Method method, std::string_view text, const SayClock& clock);

// Joins a sequence into the one playback FreeSWITCH hands to switch_ivr_play_file:
// "file_string://<first>.<ext>!<second>.<ext>!...", where later entries that are streams keep
// their name without extension (the first entry gets the extension whatever it is). Empty for
// an empty sequence.
std::string file_string(const std::vector<std::string>& files, std::string_view ext = "wav");

}  // namespace es::sw::say
