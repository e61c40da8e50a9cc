#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace es::sip::rtp {

// G.711 companding (ITU-T G.711) between the switch's L16 samples and the 8-bit PCMU (mu-law,
// RTP payload type 0) and PCMA (A-law, payload type 8) codes. Decoding reads a 256-entry table
// computed at compile time from the segment/mantissa formula; encoding computes the segment
// directly, so no 64 KiB table is kept.
enum class G711Law { kMuLaw, kALaw };

std::uint8_t encode_ulaw(std::int16_t sample);
std::int16_t decode_ulaw(std::uint8_t code);
std::uint8_t encode_alaw(std::int16_t sample);
std::int16_t decode_alaw(std::uint8_t code);

// Whole buffers: converts min(in.size(), out.size()) samples and returns that count, so a
// short output buffer truncates instead of overrunning.
std::size_t encode(G711Law law, std::span<const std::int16_t> in, std::span<std::uint8_t> out);
std::size_t decode(G711Law law, std::span<const std::uint8_t> in, std::span<std::int16_t> out);

}  // namespace es::sip::rtp
