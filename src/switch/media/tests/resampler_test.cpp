#include "switch/media/resampler.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "media_test_support.hpp"

namespace es::media {
namespace {

std::vector<std::int16_t> convert(int in_rate, int out_rate, const std::vector<std::int16_t>& input,
                                  std::size_t chunk) {
  Resampler r(in_rate, out_rate);
  std::vector<std::int16_t> out;
  std::vector<std::int16_t> buf(97);
  auto pull_all = [&] {
    for (;;) {
      const std::size_t got = r.pull(buf);
      out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(got));
      if (got < buf.size()) break;
    }
  };
  for (std::size_t at = 0; at < input.size(); at += chunk) {
    const std::size_t n = std::min(chunk, input.size() - at);
    r.push(std::span<const std::int16_t>(input.data() + at, n));
    pull_all();
  }
  r.finish();
  pull_all();
  EXPECT_TRUE(r.drained());
  return out;
}

std::vector<std::int16_t> tone(std::size_t count, double freq, int rate, double amplitude) {
  std::vector<std::int16_t> out(count);
  for (std::size_t i = 0; i < count; ++i) {
    out[i] = static_cast<std::int16_t>(
        std::lround(amplitude * std::sin(2.0 * std::numbers::pi * freq * i / rate)));
  }
  return out;
}

TEST(Resampler, OutputLengthIsInputTimesRatioRoundedUp) {
  EXPECT_EQ(convert(16000, 8000, std::vector<std::int16_t>(1001, 5), 64).size(), 501u);
  EXPECT_EQ(convert(44100, 8000, std::vector<std::int16_t>(44100, 5), 1000).size(), 8000u);
  EXPECT_EQ(convert(11025, 8000, std::vector<std::int16_t>(11025, 5), 333).size(), 8000u);
  EXPECT_EQ(convert(4000, 8000, std::vector<std::int16_t>(400, 5), 7).size(), 800u);
}

TEST(Resampler, ChunkingDoesNotChangeTheResult) {
  const auto input = tone(9000, 700.0, 22050, 10000.0);
  const auto whole = convert(22050, 8000, input, input.size());
  EXPECT_EQ(convert(22050, 8000, input, 1), whole);
  EXPECT_EQ(convert(22050, 8000, input, 160), whole);
}

TEST(Resampler, KeepsDcLevel) {
  const auto out = convert(48000, 8000, std::vector<std::int16_t>(4800, 1000), 480);
  ASSERT_EQ(out.size(), 800u);
  for (std::size_t i = 100; i < 700; ++i) ASSERT_NEAR(out[i], 1000, 2) << i;
}

TEST(Resampler, PassbandToneKeepsFrequencyAndLevel) {
  for (int rate : {11025, 16000, 22050, 44100, 48000}) {
    const auto out =
        convert(rate, 8000, tone(static_cast<std::size_t>(rate), 1000.0, rate, 10000.0), 441);
    ASSERT_EQ(out.size(), 8000u) << rate;
    EXPECT_NEAR(testing::rms(out.data() + 400, 7200), 10000.0 / std::sqrt(2.0), 150.0) << rate;
    EXPECT_GT(testing::tone_share(out.data() + 400, 7200, 1000.0), 0.49) << rate;
  }
}

TEST(Resampler, UpsamplingInterpolatesSmoothly) {
  const auto out = convert(4000, 8000, tone(4000, 300.0, 4000, 10000.0), 100);
  ASSERT_EQ(out.size(), 8000u);
  const auto ideal = tone(8000, 300.0, 8000, 10000.0);
  for (std::size_t i = 400; i < 7600; ++i) ASSERT_NEAR(out[i], ideal[i], 120) << i;
}

}  // namespace
}  // namespace es::media
