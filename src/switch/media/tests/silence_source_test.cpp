#include "switch/media/silence_source.hpp"

#include <gtest/gtest.h>

#include "media_test_support.hpp"
#include "switch/media/audio_source.hpp"

namespace es::media {
namespace {

TEST(SilenceStream, DurationInFrames) {
  auto opened = open_audio_source("silence_stream://1000");
  ASSERT_TRUE(opened.source) << opened.error;
  const auto samples = testing::drain(*opened.source);
  EXPECT_EQ(samples.size(), 50u * kFrameSamples);
  EXPECT_TRUE(std::all_of(samples.begin(), samples.end(), [](std::int16_t s) { return s == 0; }));
}

TEST(SilenceStream, PartialLastFrameCounts) {
  auto opened = open_audio_source("silence_stream://30");
  ASSERT_TRUE(opened.source);
  EXPECT_EQ(testing::drain(*opened.source).size(), 2u * kFrameSamples);
}

TEST(SilenceStream, NegativeDurationNeverEnds) {
  auto opened = open_audio_source("silence_stream://-1");
  ASSERT_TRUE(opened.source) << opened.error;
  EXPECT_EQ(testing::drain(*opened.source, 3000).size(), 3000u * kFrameSamples);
}

TEST(SilenceStream, ZeroOrGarbageIsRefused) {
  for (const char* spec : {"silence_stream://0", "silence_stream://", "silence_stream://abc"}) {
    auto opened = open_audio_source(spec);
    EXPECT_FALSE(opened.source) << spec;
    EXPECT_TRUE(opened.not_found) << spec;
    EXPECT_FALSE(opened.error.empty()) << spec;
  }
}

TEST(SilenceStream, NoiseDivisorGivesQuietNoise) {
  auto opened = open_audio_source("silence_stream://200,400");
  ASSERT_TRUE(opened.source) << opened.error;
  const auto samples = testing::drain(*opened.source);
  ASSERT_EQ(samples.size(), 10u * kFrameSamples);
  const double level = testing::rms(samples.data(), samples.size());
  EXPECT_GT(level, 20.0);
  EXPECT_LT(level, 400.0);
  // A larger divisor is quieter.
  auto quieter = open_audio_source("silence_stream://200,4000");
  ASSERT_TRUE(quieter.source);
  const auto q = testing::drain(*quieter.source);
  EXPECT_LT(testing::rms(q.data(), q.size()), level / 5);
}

TEST(SilenceStream, SchemeIsCaseInsensitiveAndStartOffsetIgnored) {
  auto opened = open_audio_source("SILENCE_STREAM://100@@400");
  ASSERT_TRUE(opened.source) << opened.error;
  EXPECT_EQ(testing::drain(*opened.source).size(), 5u * kFrameSamples);
}

}  // namespace
}  // namespace es::media
