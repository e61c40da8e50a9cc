#include "sip/rtp/rtp_packet.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace es::sip::rtp {
namespace {

std::vector<std::uint8_t> sample_packet() {
  RtpHeaderFields fields;
  fields.payload_type = 8;
  fields.marker = true;
  fields.sequence = 0xBEEF;
  fields.timestamp = 0x01020304;
  fields.ssrc = 0xCAFEF00D;
  const std::vector<std::uint8_t> payload{1, 2, 3, 4, 5};
  std::vector<std::uint8_t> out;
  build_rtp(fields, payload, out);
  return out;
}

TEST(RtpPacket, BuildThenParseRoundTrips) {
  const auto bytes = sample_packet();
  ASSERT_EQ(bytes.size(), kRtpHeaderBytes + 5);
  EXPECT_EQ(bytes[0], 0x80);
  EXPECT_EQ(bytes[1], 0x88);
  const auto result = parse_rtp(bytes);
  ASSERT_TRUE(result.ok()) << to_string(result.error);
  EXPECT_EQ(result.packet.payload_type, 8);
  EXPECT_TRUE(result.packet.marker);
  EXPECT_EQ(result.packet.sequence, 0xBEEF);
  EXPECT_EQ(result.packet.timestamp, 0x01020304U);
  EXPECT_EQ(result.packet.ssrc, 0xCAFEF00DU);
  ASSERT_EQ(result.packet.payload.size(), 5U);
  EXPECT_EQ(result.packet.payload[0], 1);
  EXPECT_EQ(result.packet.payload[4], 5);
}

TEST(RtpPacket, SkipsCsrcsAndExtensionAndStripsPadding) {
  auto bytes = sample_packet();
  bytes[0] = 0x80 | 0x20 | 0x10 | 0x02;      // padding, extension, two CSRCs
  std::vector<std::uint8_t> extra(8, 0xAA);  // two CSRCs
  const std::vector<std::uint8_t> extension{0xBE, 0xDE, 0, 1, 9, 9, 9, 9};  // one word
  extra.insert(extra.end(), extension.begin(), extension.end());
  bytes.insert(bytes.begin() + kRtpHeaderBytes, extra.begin(), extra.end());
  bytes.insert(bytes.end(), {0, 0, 3});  // three bytes of padding, count last
  const auto result = parse_rtp(bytes);
  ASSERT_TRUE(result.ok()) << to_string(result.error);
  ASSERT_EQ(result.packet.payload.size(), 5U);
  EXPECT_EQ(result.packet.payload[0], 1);
  EXPECT_EQ(result.packet.payload[4], 5);
}

TEST(RtpPacket, RefusesMalformedDatagrams) {
  const auto good = sample_packet();
  EXPECT_EQ(parse_rtp({}).error, RtpParseError::kTooShort);
  EXPECT_EQ(parse_rtp(std::span(good).first(11)).error, RtpParseError::kTooShort);

  auto version = good;
  version[0] = 0x40;
  EXPECT_EQ(parse_rtp(version).error, RtpParseError::kBadVersion);

  auto csrcs = good;
  csrcs[0] = 0x8F;  // fifteen CSRCs claimed, five bytes follow
  EXPECT_EQ(parse_rtp(csrcs).error, RtpParseError::kTooShort);

  auto extension = good;
  extension[0] = 0x90;  // extension header claimed in five bytes: its length is cut
  EXPECT_EQ(parse_rtp(extension).error, RtpParseError::kTooShort);
  extension.insert(extension.end(), {0xFF, 0xFF});  // now it claims 65535 words
  EXPECT_EQ(parse_rtp(extension).error, RtpParseError::kTooShort);

  auto padding = good;
  padding[0] = 0xA0;
  padding.back() = 0;  // zero padding count
  EXPECT_EQ(parse_rtp(padding).error, RtpParseError::kBadPadding);
  padding.back() = 6;  // more padding than the five payload bytes
  EXPECT_EQ(parse_rtp(padding).error, RtpParseError::kBadPadding);
  padding.back() = 5;  // exactly the payload: empty payload, accepted
  const auto empty = parse_rtp(padding);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty.packet.payload.empty());

  auto rtcp = good;
  rtcp[1] = 200;  // an RTCP sender report multiplexed on the port
  EXPECT_EQ(parse_rtp(rtcp).error, RtpParseError::kRtcpPayload);

  std::vector<std::uint8_t> huge(kMaxRtpPacketBytes + 1, 0);
  huge[0] = 0x80;
  EXPECT_EQ(parse_rtp(huge).error, RtpParseError::kTooLong);
}

TEST(RtpPacket, EveryTruncationOfAPacketIsHandled) {
  // Every prefix of a packet with every optional part: parsed or refused, never read past.
  auto bytes = sample_packet();
  bytes[0] = 0xB1;  // padding, extension, one CSRC
  bytes.insert(bytes.begin() + kRtpHeaderBytes,
               {0, 0, 0, 1, 0x10, 0, 0, 2, 1, 1, 1, 1, 2, 2, 2, 2});
  bytes.push_back(1);
  ASSERT_TRUE(parse_rtp(bytes).ok());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    const auto result = parse_rtp(std::span(bytes).first(n));
    if (result.ok()) {
      EXPECT_LE(result.packet.payload.data() + result.packet.payload.size(), bytes.data() + n);
    }
  }
}

}  // namespace
}  // namespace es::sip::rtp
