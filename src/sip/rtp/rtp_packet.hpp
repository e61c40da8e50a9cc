#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace es::sip::rtp {

// RTP (RFC 3550) fixed header reading and writing. Packets come from any host on the network,
// so reading checks every length against the datagram before touching it and reports why a
// packet is refused; the caller drops and counts it.
inline constexpr std::size_t kRtpHeaderBytes = 12;
// Largest datagram the media path accepts: an Ethernet MTU. 20 ms of G.711 is 172 bytes with
// the header; anything near this size is already suspicious.
inline constexpr std::size_t kMaxRtpPacketBytes = 1500;

enum class RtpParseError {
  kNone,
  kTooShort,     // shorter than the fixed header, or than its CSRC list / extension
  kTooLong,      // larger than kMaxRtpPacketBytes
  kBadVersion,   // version field not 2
  kBadPadding,   // padding count zero or larger than what follows the header
  kRtcpPayload,  // payload types 72-76: RTCP multiplexed on the RTP port (RFC 5761)
};

struct RtpPacketView {
  std::uint8_t payload_type = 0;
  bool marker = false;
  std::uint16_t sequence = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t ssrc = 0;
  std::span<const std::uint8_t> payload;  // points into the datagram given to parse_rtp
};

struct RtpParseResult {
  RtpParseError error = RtpParseError::kNone;
  RtpPacketView packet;
  bool ok() const { return error == RtpParseError::kNone; }
};

RtpParseResult parse_rtp(std::span<const std::uint8_t> datagram);

struct RtpHeaderFields {
  std::uint8_t payload_type = 0;
  bool marker = false;
  std::uint16_t sequence = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t ssrc = 0;
};

// Writes a version-2 header without padding, CSRCs or extension, then the payload, replacing
// `out`'s contents (its capacity is reused across packets).
void build_rtp(const RtpHeaderFields& fields, std::span<const std::uint8_t> payload,
               std::vector<std::uint8_t>& out);

const char* to_string(RtpParseError error);

}  // namespace es::sip::rtp
