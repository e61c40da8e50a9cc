#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace es::media {

// Teletone scripts (FreeSWITCH's tone_stream:// language), compiled into a plan that
// ToneSource plays. The script is `;`-separated segments; a segment is either a setting
// `<letter>=<value>` or a run of tones:
//   %(<on_ms>,<off_ms>,<freq>[,<freq>...])  up to 18 mixed frequencies; on_ms < 0 takes d=
//   <digit>                                   DTMF digit 0-9 * # A-D, d= on then w= off
//   <digit>(<on_ms>,<off_ms>)                 DTMF digit with its own timing
// Settings: d=<ms> default tone length (250 ms), w=<ms> default gap (62.5 ms),
// v=<dB> level -63..0 (default -7), l=<n> play the next tone n times (-1 forever),
// L=<n> play the whole script n times (first positive L wins; -1 and 0 do nothing),
// ><ms> / <<ms> fade down / up every <ms> by +=<dB> (default 1 dB).
// A frequency list starting with a negative value keeps only the gap; one starting with 0
// plays nothing. A malformed `(...)` ends the pass, as in the reference. `c=` and `r=` are
// ignored: the switch's format is fixed.
inline constexpr int kMaxToneFrequencies = 18;

struct ToneStep {
  std::array<double, kMaxToneFrequencies> freqs{};
  int freq_count = 0;  // 0: only the gap sounds (silence)
  std::int64_t on_samples = 0;
  std::int64_t off_samples = 0;
  double volume_db = -7.0;
  std::int64_t decay_step = 0;  // samples between level changes
  int decay_direction = 0;      // -1 fade out, +1 fade in, 0 none
  double decay_factor = 1.0;    // dB per change
  std::int64_t repeat = 1;      // times played in a row; -1 forever
};

// steps[first, first + count) played `times` times in a row.
struct ToneBlock {
  std::size_t first = 0;
  std::size_t count = 0;
  std::int64_t times = 1;
};

struct TonePlan {
  std::vector<ToneStep> steps;
  std::vector<ToneBlock> blocks;
};

// Settings that carry from one segment (and one script line) to the next.
struct ToneScriptState {
  std::int64_t duration = 2000;  // samples
  std::int64_t wait = 500;       // samples
  double volume_db = -7.0;
  std::int64_t decay_step = 0;
  int decay_direction = 0;
  double decay_factor = 1.0;
  std::int64_t loops = 0;         // l=: pending repeat count for the next tone
  std::int64_t script_loops = 0;  // L=
};

// Appends `script` to `plan`. Never fails: what the reference ignores is ignored here too.
void compile_tone_script(std::string_view script, TonePlan& plan, ToneScriptState& state);

// atoi/atof as C does them: leading blanks, optional sign, digits; anything else ends the
// number; no digits gives 0.
std::int64_t leading_int(std::string_view text);
double leading_double(std::string_view text);

}  // namespace es::media
