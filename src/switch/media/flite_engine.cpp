#include "switch/media/flite_engine.hpp"

#include <flite/flite.h>

#include <array>
#include <mutex>

#include "protocol/ascii.hpp"

// The voice libraries export these registration functions without a header of their own.
extern "C" {
cst_voice* register_cmu_us_awb(const char* voxdir);
cst_voice* register_cmu_us_kal16(const char* voxdir);
cst_voice* register_cmu_us_rms(const char* voxdir);
cst_voice* register_cmu_us_slt(const char* voxdir);
}

namespace es::media {
namespace {

// mod_flite's names. Its "kal" is the 16 kHz kal16 voice (the 8 kHz kal would come out too
// fast at mod_flite's fixed native rate), so both names choose kal16 here as well.
enum class Voice { kAwb, kKal16, kRms, kSlt };

struct NamedVoice {
  std::string_view name;
  Voice voice;
};
constexpr std::array<NamedVoice, 5> kNames{{{"awb", Voice::kAwb},
                                            {"kal", Voice::kKal16},
                                            {"kal16", Voice::kKal16},
                                            {"rms", Voice::kRms},
                                            {"slt", Voice::kSlt}}};

const NamedVoice* find_voice(std::string_view name) {
  for (const NamedVoice& named : kNames) {
    if (protocol::iequals(named.name, name)) return &named;
  }
  return nullptr;
}

// flite's global state and the registered voices, for the life of the process. flite does
// not say its synthesis may run on several threads at once, so calls are serialised.
class Flite {
 public:
  static Flite& instance() {
    static Flite flite;  // initialised once, thread-safe (a function-local static)
    return flite;
  }

  cst_voice* voice(Voice v) const { return voices_[static_cast<std::size_t>(v)]; }
  std::mutex& mutex() { return mutex_; }

 private:
  Flite() {
    flite_init();
    voices_[static_cast<std::size_t>(Voice::kAwb)] = register_cmu_us_awb(nullptr);
    voices_[static_cast<std::size_t>(Voice::kKal16)] = register_cmu_us_kal16(nullptr);
    voices_[static_cast<std::size_t>(Voice::kRms)] = register_cmu_us_rms(nullptr);
    voices_[static_cast<std::size_t>(Voice::kSlt)] = register_cmu_us_slt(nullptr);
  }

  std::array<cst_voice*, 4> voices_{};
  std::mutex mutex_;
};

}  // namespace

bool flite_voice_known(std::string_view voice) {
  return find_voice(voice) != nullptr;
}

bool flite_synthesize(std::string_view voice, const std::string& text, SpeechAudio& out,
                      std::string* error) {
  out = SpeechAudio{};
  const NamedVoice* named = find_voice(voice);
  if (named == nullptr) {
    if (error != nullptr) *error = "unknown voice";
    return false;
  }
  Flite& flite = Flite::instance();
  cst_voice* v = flite.voice(named->voice);
  if (v == nullptr) {
    if (error != nullptr) *error = "the voice could not be registered";
    return false;
  }
  std::lock_guard lock(flite.mutex());
  cst_wave* wave = flite_text_to_wave(text.c_str(), v);
  if (wave == nullptr) {
    if (error != nullptr) *error = "flite produced no audio";
    return false;
  }
  const int channels = wave->num_channels < 1 ? 1 : wave->num_channels;
  const auto frames = static_cast<std::size_t>(wave->num_samples < 0 ? 0 : wave->num_samples);
  out.rate = wave->sample_rate;
  out.samples.resize(frames);
  // Voices are mono; should one not be, its channels are averaged.
  for (std::size_t i = 0; i < frames; ++i) {
    std::int32_t sum = 0;
    for (int c = 0; c < channels; ++c) sum += wave->samples[i * channels + c];
    out.samples[i] = static_cast<std::int16_t>(sum / channels);
  }
  delete_wave(wave);
  if (out.rate < 1) {
    if (error != nullptr) *error = "flite gave no sample rate";
    out = SpeechAudio{};
    return false;
  }
  return true;
}

}  // namespace es::media
