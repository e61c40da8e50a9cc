#include "switch/media/tone_source.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numbers>

#include "protocol/ascii.hpp"

namespace es::media {
namespace {

constexpr int kSineBits = 12;
constexpr std::size_t kSineSize = std::size_t{1} << kSineBits;

const std::array<float, kSineSize>& sine_table() {
  static const auto table = [] {
    std::array<float, kSineSize> t{};
    for (std::size_t i = 0; i < kSineSize; ++i) {
      t[i] =
          static_cast<float>(std::sin(2.0 * std::numbers::pi * static_cast<double>(i) / kSineSize));
    }
    return t;
  }();
  return table;
}

// Peak amplitude of one tone at `db`: the reference puts 0 dB a little over 6 dB below
// full scale (the power a mu-law channel can carry), and scales each tone by that level.
float amplitude_for(double db) {
  constexpr double kMaxPowerDb = 3.14 + 3.02;
  return static_cast<float>(std::pow(10.0, (db - kMaxPowerDb) / 20.0) * 32767.0 *
                            std::numbers::sqrt2);
}

std::uint32_t phase_increment(double freq) {
  const double cycles = std::fmod(freq / kSampleRate, 1.0);  // turns per sample
  const double turns = cycles < 0 ? cycles + 1.0 : cycles;
  if (!std::isfinite(turns)) return 0;
  return static_cast<std::uint32_t>(static_cast<std::uint64_t>(turns * 4294967296.0) & 0xFFFFFFFFu);
}

constexpr double kVolumeMinDb = -63.0;
constexpr double kVolumeMaxDb = 0.0;

std::int64_t total_samples(const ToneStep& s) {
  return s.on_samples + s.off_samples;
}

}  // namespace

ToneSource::ToneSource(TonePlan plan, std::int64_t plays) : plan_(std::move(plan)), plays_(plays) {
  // Something must sound somewhere, or an endless play count would spin without output.
  bool has_audio = false;
  for (const ToneBlock& b : plan_.blocks) {
    if (b.times <= 0) continue;
    for (std::size_t i = 0; i < b.count; ++i)
      has_audio = has_audio || total_samples(plan_.steps[b.first + i]) > 0;
  }
  ended_ = !has_audio || plays_ == 0;
  if (ended_) return;
  if (at_valid_position() && total_samples(plan_.steps[plan_.blocks[0].first]) > 0) {
    step_ = &plan_.steps[plan_.blocks[0].first];
    start_repetition();
  } else if (!next_step()) {
    ended_ = true;
  }
}

bool ToneSource::at_valid_position() const {
  return block_ < plan_.blocks.size() && plan_.blocks[block_].times > 0 &&
         step_in_block_ < plan_.blocks[block_].count;
}

bool ToneSource::advance_position() {
  ++step_in_block_;
  for (;;) {
    if (at_valid_position()) return true;
    step_in_block_ = 0;
    if (block_ < plan_.blocks.size() && plan_.blocks[block_].count > 0 &&
        ++block_pass_ < plan_.blocks[block_].times) {
      continue;
    }
    block_pass_ = 0;
    if (++block_ >= plan_.blocks.size()) {
      ++play_;
      if (plays_ >= 0 && play_ >= plays_) return false;
      block_ = 0;
    }
  }
}

bool ToneSource::next_step() {
  while (advance_position()) {
    step_ = &plan_.steps[plan_.blocks[block_].first + step_in_block_];
    if (total_samples(*step_) > 0) {
      step_rep_ = 0;
      start_repetition();
      return true;
    }
  }
  return false;
}

void ToneSource::start_repetition() {
  pos_ = 0;
  phase_.fill(0);
  for (int i = 0; i < step_->freq_count; ++i) {
    phase_inc_[static_cast<std::size_t>(i)] =
        phase_increment(step_->freqs[static_cast<std::size_t>(i)]);
  }
  volume_db_ = step_->volume_db;
  amplitude_ = amplitude_for(volume_db_);
  decay_count_ = 0;
}

void ToneSource::render(std::int16_t* out, std::int64_t count) {
  const ToneStep& s = *step_;
  const auto& sine = sine_table();
  std::int64_t i = 0;
  // Tone part.
  const int n_freqs = s.freq_count;
  while (i < count && pos_ < s.on_samples) {
    if (s.decay_direction != 0 && ++decay_count_ >= s.decay_step) {
      const double next = volume_db_ + s.decay_direction * s.decay_factor;
      if (next <= kVolumeMaxDb && next >= kVolumeMinDb) {
        volume_db_ = next;
        amplitude_ = amplitude_for(next);
        decay_count_ = 0;
      }
    }
    float sum = 0.0f;
    for (int f = 0; f < n_freqs; ++f) {
      const auto k = static_cast<std::size_t>(f);
      sum += sine[phase_[k] >> (32 - kSineBits)];
      phase_[k] += phase_inc_[k];
    }
    // Several tones share the level: the mix is their average, so it never clips.
    const float v = sum * amplitude_ / static_cast<float>(n_freqs);
    out[i++] = static_cast<std::int16_t>(std::nearbyint(std::clamp(v, -32768.0f, 32767.0f)));
    ++pos_;
  }
  // Gap.
  if (i < count) {
    std::fill(out + i, out + count, std::int16_t{0});
    pos_ += count - i;
  }
}

bool ToneSource::read(Frame& out) {
  if (ended_) return false;
  std::int64_t filled = 0;
  while (filled < kFrameSamples) {
    const std::int64_t left = total_samples(*step_) - pos_;
    const std::int64_t n = std::min<std::int64_t>(kFrameSamples - filled, left);
    render(out.samples.data() + filled, n);
    filled += n;
    if (pos_ >= total_samples(*step_)) {
      ++step_rep_;
      if (step_->repeat < 0 || step_rep_ < step_->repeat) {
        start_repetition();
      } else if (!next_step()) {
        ended_ = true;
        break;
      }
    }
  }
  if (filled == 0) return false;
  std::fill(out.samples.begin() + filled, out.samples.end(), std::int16_t{0});
  return true;
}

std::optional<std::string> ToneSource::script_file(std::string_view args) {
  std::string script(args);
  std::string lowered = protocol::to_lower(script);
  if (const auto at = lowered.find(";loops="); at != std::string::npos) {
    script.resize(at);
    lowered.resize(at);
  }
  if (lowered.rfind("path=", 0) != 0) return std::nullopt;
  return script.substr(5);
}

std::unique_ptr<ToneSource> ToneSource::parse(std::string_view args, const std::string* loops,
                                              std::string* error) {
  std::string script(args);
  std::int64_t plays = 1;
  // `;loops=<n>` (any case) ends the script and says how often the rendered tones repeat.
  std::string lowered = protocol::to_lower(script);
  if (const auto at = lowered.find(";loops="); at != std::string::npos) {
    const std::string count = script.substr(at + 7);
    script.resize(at);
    if (!count.empty()) plays = leading_int(count);
  }
  if (loops != nullptr) plays = leading_int(*loops);
  // A buffer that loops 0 times still plays once; any negative count means forever.
  if (plays == 0) plays = 1;
  if (plays < 0) plays = -1;

  TonePlan plan;
  ToneScriptState state;
  if (std::optional<std::string> file = script_file(args)) {
    const std::string& path = *file;
    std::ifstream in(path);
    if (!in) {
      if (error != nullptr) *error = fmt::format("failed to open tone script [{}]", path);
      return nullptr;
    }
    std::string line;
    while (std::getline(in, line)) compile_tone_script(line, plan, state);
  } else {
    compile_tone_script(script, plan, state);
  }
  return std::make_unique<ToneSource>(std::move(plan), plays);
}

}  // namespace es::media
