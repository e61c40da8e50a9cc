#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "switch/media/audio_source.hpp"

namespace es::media {

// silence_stream://: digital silence, or low-level comfort noise when a divisor is given.
class SilenceSource final : public AudioSource {
 public:
  // `samples` < 0 plays forever. `noise_divisor` 0 means true silence; otherwise roughly
  // Gaussian noise whose amplitude is the full 16-bit range divided by it.
  SilenceSource(std::int64_t samples, std::uint32_t noise_divisor);
  bool read(Frame& out) override;

  // Parses "<ms>[,<noise divisor>]" (the part after silence_stream://) the way atoi does;
  // <ms> of 0 (or no number) is refused.
  static std::unique_ptr<SilenceSource> parse(std::string_view args, std::string* error);

 private:
  std::int64_t remaining_;
  bool forever_;
  std::uint32_t noise_divisor_;
  std::uint16_t noise_state_;
};

}  // namespace es::media
