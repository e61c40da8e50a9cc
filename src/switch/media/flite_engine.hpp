// Text to speech with the flite library (docs/speech.md): the voices FreeSWITCH's mod_flite
// offers, under its names, synthesized at their own rate.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace es::media {

// Synthesized speech: mono 16-bit samples at `rate` (the voice's own rate).
struct SpeechAudio {
  std::vector<std::int16_t> samples;
  int rate = 0;
};

// The voice names mod_flite answers to: awb, kal, kal16, rms, slt (any case).
bool flite_voice_known(std::string_view voice);

// Synthesizes `text` with `voice` (a known name). The first call initialises flite and
// registers the voices, once, whatever thread makes it. CPU-bound (milliseconds for a short
// sentence, more for the larger voices): not for an event-loop thread. False, with `error`,
// when flite produced nothing.
bool flite_synthesize(std::string_view voice, const std::string& text, SpeechAudio& out,
                      std::string* error);

}  // namespace es::media
