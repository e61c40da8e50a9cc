#include "sip/rtp/g711.hpp"

#include <array>
#include <bit>
#include <cstdlib>

namespace es::sip::rtp {
namespace {

// mu-law works on magnitudes offset by this bias so that every segment starts at a power of
// two; the largest magnitude that still fits segment 7 after the bias is the clip level.
constexpr int kMuBias = 0x84;
constexpr int kMuClip = 32635;

constexpr std::int16_t ulaw_value(std::uint8_t code) {
  const int inverted = static_cast<std::uint8_t>(~code);
  const int exponent = (inverted >> 4) & 0x07;
  const int mantissa = inverted & 0x0F;
  const int magnitude = (((mantissa << 3) + kMuBias) << exponent) - kMuBias;
  return static_cast<std::int16_t>((inverted & 0x80) != 0 ? -magnitude : magnitude);
}

// A-law codes are transmitted with the even bits inverted (0x55); the sign bit set means a
// positive sample. Each code decodes to the middle of its quantisation interval.
constexpr std::int16_t alaw_value(std::uint8_t code) {
  const int toggled = code ^ 0x55;
  const int exponent = (toggled >> 4) & 0x07;
  const int mantissa = toggled & 0x0F;
  const int magnitude =
      exponent == 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  return static_cast<std::int16_t>((toggled & 0x80) != 0 ? magnitude : -magnitude);
}

template <std::int16_t (*F)(std::uint8_t)>
constexpr std::array<std::int16_t, 256> make_table() {
  std::array<std::int16_t, 256> table{};
  for (int code = 0; code < 256; ++code) table[code] = F(static_cast<std::uint8_t>(code));
  return table;
}

constexpr auto kUlawTable = make_table<ulaw_value>();
constexpr auto kAlawTable = make_table<alaw_value>();

// Index of the highest set bit of a non-zero value (0 for 1).
constexpr int top_bit(unsigned value) {
  return std::bit_width(value) - 1;
}

}  // namespace

std::uint8_t encode_ulaw(std::int16_t sample) {
  const bool negative = sample < 0;
  int magnitude = std::abs(static_cast<int>(sample));
  if (magnitude > kMuClip) magnitude = kMuClip;
  magnitude += kMuBias;
  // magnitude >= 0x84 so magnitude >> 7 is at least 1; segment 7 ends at 0x7FFF.
  const int exponent = top_bit(static_cast<unsigned>(magnitude >> 7));
  const int mantissa = (magnitude >> (exponent + 3)) & 0x0F;
  const int code = (negative ? 0x80 : 0x00) | (exponent << 4) | mantissa;
  return static_cast<std::uint8_t>(~code);
}

std::int16_t decode_ulaw(std::uint8_t code) {
  return kUlawTable[code];
}

std::uint8_t encode_alaw(std::int16_t sample) {
  // Negative samples use one's complement so that -1 lands in the same interval as 0, which
  // keeps the two halves of the scale symmetric.
  const bool negative = sample < 0;
  const int magnitude = negative ? -static_cast<int>(sample) - 1 : sample;
  int exponent = 0;
  int mantissa = 0;
  if (magnitude < 256) {
    mantissa = (magnitude >> 4) & 0x0F;
  } else {
    exponent = top_bit(static_cast<unsigned>(magnitude >> 8)) + 1;
    mantissa = (magnitude >> (exponent + 3)) & 0x0F;
  }
  const int code = (exponent << 4) | mantissa;
  return static_cast<std::uint8_t>(code ^ (negative ? 0x55 : 0xD5));
}

std::int16_t decode_alaw(std::uint8_t code) {
  return kAlawTable[code];
}

std::size_t encode(G711Law law, std::span<const std::int16_t> in, std::span<std::uint8_t> out) {
  const std::size_t n = in.size() < out.size() ? in.size() : out.size();
  for (std::size_t i = 0; i < n; ++i)
    out[i] = law == G711Law::kMuLaw ? encode_ulaw(in[i]) : encode_alaw(in[i]);
  return n;
}

std::size_t decode(G711Law law, std::span<const std::uint8_t> in, std::span<std::int16_t> out) {
  const auto& table = law == G711Law::kMuLaw ? kUlawTable : kAlawTable;
  const std::size_t n = in.size() < out.size() ? in.size() : out.size();
  for (std::size_t i = 0; i < n; ++i) out[i] = table[in[i]];
  return n;
}

}  // namespace es::sip::rtp
