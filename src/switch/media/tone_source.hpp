#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "switch/media/audio_source.hpp"
#include "switch/media/tone_script.hpp"

namespace es::media {

// Plays a compiled teletone plan, synthesising each frame as it is read.
class ToneSource final : public AudioSource {
 public:
  // `plays`: how many times the whole plan is played; -1 forever.
  ToneSource(TonePlan plan, std::int64_t plays);
  bool read(Frame& out) override;

  // Builds a source from what follows tone_stream://: a script (optionally ending in
  // `;loops=<n>`, n = -1 forever), or `path=<file>` whose lines are scripts. `loops`
  // overrides the play count when given (from `{loops=<n>}`).
  static std::unique_ptr<ToneSource> parse(std::string_view args, const std::string* loops,
                                           std::string* error);
  // The file a `path=<file>` script reads (so callers can check it first), else nullopt.
  static std::optional<std::string> script_file(std::string_view args);

 private:
  bool at_valid_position() const;
  // Moves the position one step on, through block passes and plays; false at the end.
  bool advance_position();
  // Moves to the next step that lasts at least a sample; false at the end.
  bool next_step();
  void start_repetition();
  void render(std::int16_t* out, std::int64_t count);

  TonePlan plan_;
  std::int64_t plays_;
  bool ended_ = false;
  // Position: block, play-through of that block, step within it, repetition of that step.
  std::size_t block_ = 0;
  std::int64_t block_pass_ = 0;
  std::size_t step_in_block_ = 0;
  std::int64_t step_rep_ = 0;
  std::int64_t play_ = 0;
  const ToneStep* step_ = nullptr;
  std::int64_t pos_ = 0;  // sample within the current repetition
  // Synthesis state of the current repetition.
  std::array<std::uint32_t, kMaxToneFrequencies> phase_{};
  std::array<std::uint32_t, kMaxToneFrequencies> phase_inc_{};
  double volume_db_ = 0;
  float amplitude_ = 0;
  std::int64_t decay_count_ = 0;
};

}  // namespace es::media
