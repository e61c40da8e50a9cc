#include "sip/rtp/rtp_packet.hpp"

namespace es::sip::rtp {
namespace {

std::uint16_t read16(std::span<const std::uint8_t> bytes, std::size_t at) {
  return static_cast<std::uint16_t>((bytes[at] << 8) | bytes[at + 1]);
}

std::uint32_t read32(std::span<const std::uint8_t> bytes, std::size_t at) {
  return (static_cast<std::uint32_t>(bytes[at]) << 24) |
         (static_cast<std::uint32_t>(bytes[at + 1]) << 16) |
         (static_cast<std::uint32_t>(bytes[at + 2]) << 8) | bytes[at + 3];
}

void put16(std::vector<std::uint8_t>& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value & 0xFF));
}

void put32(std::vector<std::uint8_t>& out, std::uint32_t value) {
  put16(out, static_cast<std::uint16_t>(value >> 16));
  put16(out, static_cast<std::uint16_t>(value & 0xFFFF));
}

RtpParseResult refuse(RtpParseError error) {
  RtpParseResult result;
  result.error = error;
  return result;
}

}  // namespace

RtpParseResult parse_rtp(std::span<const std::uint8_t> datagram) {
  if (datagram.size() > kMaxRtpPacketBytes) return refuse(RtpParseError::kTooLong);
  if (datagram.size() < kRtpHeaderBytes) return refuse(RtpParseError::kTooShort);
  const std::uint8_t first = datagram[0];
  if ((first >> 6) != 2) return refuse(RtpParseError::kBadVersion);
  const bool padding = (first & 0x20) != 0;
  const bool extension = (first & 0x10) != 0;
  const std::size_t csrc_count = first & 0x0F;

  const std::uint8_t second = datagram[1];
  const std::uint8_t payload_type = second & 0x7F;
  // With the marker bit the second byte of an RTCP SR/RR/SDES/BYE/APP reads as 200-204.
  if (payload_type >= 72 && payload_type <= 76) return refuse(RtpParseError::kRtcpPayload);

  std::size_t offset = kRtpHeaderBytes + 4 * csrc_count;
  if (datagram.size() < offset) return refuse(RtpParseError::kTooShort);
  if (extension) {
    if (datagram.size() < offset + 4) return refuse(RtpParseError::kTooShort);
    const std::size_t words = read16(datagram, offset + 2);
    offset += 4 + 4 * words;
    if (datagram.size() < offset) return refuse(RtpParseError::kTooShort);
  }
  std::size_t end = datagram.size();
  if (padding) {
    const std::size_t pad = datagram[end - 1];
    if (pad == 0 || pad > end - offset) return refuse(RtpParseError::kBadPadding);
    end -= pad;
  }

  RtpParseResult result;
  result.packet.payload_type = payload_type;
  result.packet.marker = (second & 0x80) != 0;
  result.packet.sequence = read16(datagram, 2);
  result.packet.timestamp = read32(datagram, 4);
  result.packet.ssrc = read32(datagram, 8);
  result.packet.payload = datagram.subspan(offset, end - offset);
  return result;
}

void build_rtp(const RtpHeaderFields& fields, std::span<const std::uint8_t> payload,
               std::vector<std::uint8_t>& out) {
  out.clear();
  out.reserve(kRtpHeaderBytes + payload.size());
  out.push_back(0x80);  // version 2, no padding, no extension, no CSRC
  out.push_back(
      static_cast<std::uint8_t>((fields.marker ? 0x80 : 0x00) | (fields.payload_type & 0x7F)));
  put16(out, fields.sequence);
  put32(out, fields.timestamp);
  put32(out, fields.ssrc);
  out.insert(out.end(), payload.begin(), payload.end());
}

const char* to_string(RtpParseError error) {
  switch (error) {
    case RtpParseError::kNone:
      return "ok";
    case RtpParseError::kTooShort:
      return "too short";
    case RtpParseError::kTooLong:
      return "too long";
    case RtpParseError::kBadVersion:
      return "bad version";
    case RtpParseError::kBadPadding:
      return "bad padding";
    case RtpParseError::kRtcpPayload:
      return "rtcp";
  }
  return "unknown";
}

}  // namespace es::sip::rtp
