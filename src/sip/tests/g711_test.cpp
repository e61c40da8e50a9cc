#include "sip/rtp/g711.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <limits>

namespace es::sip::rtp {
namespace {

TEST(G711, MuLawReferencePoints) {
  // G.711 Table 2a: 0xFF is positive zero, 0x7F negative zero, 0x00/0x80 the extremes.
  EXPECT_EQ(decode_ulaw(0xFF), 0);
  EXPECT_EQ(decode_ulaw(0x7F), 0);
  EXPECT_EQ(decode_ulaw(0x80), 32124);
  EXPECT_EQ(decode_ulaw(0x00), -32124);
  EXPECT_EQ(encode_ulaw(0), 0xFF);
  EXPECT_EQ(encode_ulaw(32767), 0x80);
  EXPECT_EQ(encode_ulaw(-32768), 0x00);
}

TEST(G711, ALawReferencePoints) {
  // The smallest codes either side of zero, and the extremes.
  EXPECT_EQ(decode_alaw(0xD5), 8);
  EXPECT_EQ(decode_alaw(0x55), -8);
  EXPECT_EQ(decode_alaw(0xAA), 32256);
  EXPECT_EQ(decode_alaw(0x2A), -32256);
  EXPECT_EQ(encode_alaw(0), 0xD5);
  EXPECT_EQ(encode_alaw(-1), 0x55);
  EXPECT_EQ(encode_alaw(32767), 0xAA);
  EXPECT_EQ(encode_alaw(-32768), 0x2A);
}

TEST(G711, EveryCodeSurvivesDecodeThenEncode) {
  for (int code = 0; code < 256; ++code) {
    const auto byte = static_cast<std::uint8_t>(code);
    EXPECT_EQ(encode_alaw(decode_alaw(byte)), byte) << code;
    // Negative zero has no sample of its own: it comes back as positive zero.
    if (byte != 0x7F) {
      EXPECT_EQ(encode_ulaw(decode_ulaw(byte)), byte) << code;
    }
  }
}

TEST(G711, DecodingIsMonotonic) {
  // Positive mu-law codes run 0xFF (0) down to 0x80 (max); A-law's positive half, after its
  // even-bit inversion, runs 0x80..0xFF upwards.
  for (int code = 0xFF; code > 0x80; --code)
    EXPECT_LT(decode_ulaw(static_cast<std::uint8_t>(code)),
              decode_ulaw(static_cast<std::uint8_t>(code - 1)));
  for (int raw = 0x80; raw < 0xFF; ++raw)
    EXPECT_LT(decode_alaw(static_cast<std::uint8_t>(raw ^ 0x55)),
              decode_alaw(static_cast<std::uint8_t>((raw + 1) ^ 0x55)));
}

TEST(G711, QuantisationErrorIsLogarithmic) {
  // Every 16-bit sample comes back within half a quantisation step, which grows with the
  // magnitude: about 1/32 of it, never below the smallest step, plus clipping at the top.
  for (int s = std::numeric_limits<std::int16_t>::min();
       s <= std::numeric_limits<std::int16_t>::max(); ++s) {
    const auto sample = static_cast<std::int16_t>(s);
    const int bound = std::abs(s) / 30 + 9 + (std::abs(s) > 32000 ? 700 : 0);
    ASSERT_LE(std::abs(decode_ulaw(encode_ulaw(sample)) - s), bound) << "ulaw " << s;
    ASSERT_LE(std::abs(decode_alaw(encode_alaw(sample)) - s), bound) << "alaw " << s;
  }
}

TEST(G711, BufferConversionStopsAtTheShorterSpan) {
  const std::array<std::int16_t, 4> in{0, 1000, -1000, 30000};
  std::array<std::uint8_t, 3> coded{};
  EXPECT_EQ(encode(G711Law::kMuLaw, in, coded), 3U);
  std::array<std::int16_t, 8> back{};
  EXPECT_EQ(decode(G711Law::kMuLaw, coded, back), 3U);
  EXPECT_EQ(back[0], 0);
  EXPECT_NEAR(back[1], 1000, 40);
  EXPECT_NEAR(back[2], -1000, 40);
  EXPECT_EQ(back[3], 0);  // untouched
  EXPECT_EQ(encode(G711Law::kALaw, in, coded), 3U);
  EXPECT_EQ(decode(G711Law::kALaw, coded, back), 3U);
  EXPECT_NEAR(back[1], 1000, 40);
}

}  // namespace
}  // namespace es::sip::rtp
