#include "switch/media/tone_source.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "media_test_support.hpp"
#include "switch/media/audio_source.hpp"

namespace es::media {
namespace {

std::vector<std::int16_t> play(const std::string& spec, std::size_t limit = 100000) {
  auto opened = open_audio_source(spec);
  EXPECT_TRUE(opened.source) << spec << ": " << opened.error;
  if (!opened.source) return {};
  return testing::drain(*opened.source, limit);
}

// Per frame: true when the frame carries sound.
std::vector<bool> loud_frames(const std::vector<std::int16_t>& samples) {
  std::vector<bool> out;
  for (std::size_t f = 0; f + kFrameSamples <= samples.size(); f += kFrameSamples) {
    out.push_back(testing::rms(samples.data() + f, kFrameSamples) > 100.0);
  }
  return out;
}

std::vector<bool> pattern(std::initializer_list<std::pair<int, bool>> runs) {
  std::vector<bool> out;
  for (auto [count, loud] : runs) out.insert(out.end(), static_cast<std::size_t>(count), loud);
  return out;
}

TEST(ToneStream, OnOffDualTone) {
  const auto samples = play("tone_stream://%(100,100,350,440)");
  ASSERT_EQ(samples.size(), 10u * kFrameSamples);
  EXPECT_EQ(loud_frames(samples), pattern({{5, true}, {5, false}}));
  EXPECT_TRUE(
      std::all_of(samples.begin() + 800, samples.end(), [](std::int16_t s) { return s == 0; }));
  EXPECT_GT(testing::tone_share(samples.data(), 800, 350.0), 0.2);
  EXPECT_GT(testing::tone_share(samples.data(), 800, 440.0), 0.2);
  EXPECT_LT(testing::tone_share(samples.data(), 800, 1000.0), 0.01);
}

TEST(ToneStream, DefaultLevelIsMinusSevenDb) {
  const auto samples = play("tone_stream://%(1000,0,1000)");
  ASSERT_EQ(samples.size(), 50u * kFrameSamples);
  // Peak = 10^((-7 - 6.16) / 20) * 32767 * sqrt(2), about 10186.
  const double peak = std::pow(10.0, (-7.0 - 6.16) / 20.0) * 32767.0 * std::sqrt(2.0);
  EXPECT_NEAR(testing::rms(samples.data(), samples.size()), peak / std::sqrt(2.0), peak * 0.01);
  const auto quiet = play("tone_stream://v=-27;%(1000,0,1000)");
  EXPECT_NEAR(testing::rms(quiet.data(), quiet.size()) * 10.0,
              testing::rms(samples.data(), samples.size()), peak * 0.02);
}

TEST(ToneStream, ScriptLoops) {
  EXPECT_EQ(loud_frames(play("tone_stream://%(100,100,350,440);L=3")),
            pattern({{5, true}, {5, false}, {5, true}, {5, false}, {5, true}, {5, false}}));
  // L placed first works the same; -1 and 0 are ignored by teletone.
  EXPECT_EQ(play("tone_stream://L=2;%(100,100,350)").size(), 20u * kFrameSamples);
  EXPECT_EQ(play("tone_stream://L=-1;%(100,100,350)").size(), 10u * kFrameSamples);
  EXPECT_EQ(play("tone_stream://L=0;%(100,100,350)").size(), 10u * kFrameSamples);
}

TEST(ToneStream, BufferLoopsSuffixAndParameter) {
  EXPECT_EQ(play("tone_stream://%(100,100,350);loops=2").size(), 20u * kFrameSamples);
  EXPECT_EQ(play("tone_stream://%(100,100,350);LOOPS=0").size(), 10u * kFrameSamples);
  EXPECT_EQ(play("{loops=3}tone_stream://%(100,100,350)").size(), 30u * kFrameSamples);
  // Forever: a ringback cadence keeps going.
  const auto ring = play("tone_stream://%(2000,4000,440,480);loops=-1", 2000);
  ASSERT_EQ(ring.size(), 2000u * kFrameSamples);
  const auto loud = loud_frames(ring);
  // 300-frame cycles: six whole ones, then 100 on and 100 of the gap.
  EXPECT_EQ(std::count(loud.begin(), loud.end(), true), 6 * 100 + 100);
  EXPECT_TRUE(loud[1800]);
  EXPECT_FALSE(loud[1900]);
}

TEST(ToneStream, PerToneRepeat) {
  EXPECT_EQ(loud_frames(play("tone_stream://l=2;%(40,20,350);%(100,0,440)")),
            pattern({{2, true}, {1, false}, {2, true}, {1, false}, {5, true}}));
  const auto endless = play("tone_stream://l=-1;%(40,20,350);%(100,0,440)", 500);
  EXPECT_EQ(endless.size(), 500u * kFrameSamples);
}

TEST(ToneStream, DtmfDigitsUseDefaultTimings) {
  // d= 2000 samples on and w= 500 off per digit by default: two digits = 5000 samples.
  const auto two = play("tone_stream://12");
  EXPECT_EQ(two.size(), 32u * kFrameSamples);  // 31.25 frames, last one padded
  EXPECT_GT(testing::tone_share(two.data(), 1600, 697.0), 0.2);
  EXPECT_GT(testing::tone_share(two.data(), 1600, 1209.0), 0.2);
  EXPECT_GT(testing::tone_share(two.data() + 2500, 1600, 1336.0), 0.2);
  // Settings and per-digit timings.
  EXPECT_EQ(play("tone_stream://d=100;w=100;#").size(), 10u * kFrameSamples);
  EXPECT_EQ(play("tone_stream://5(60,40)").size(), 5u * kFrameSamples);
  // Letters without a tone are skipped.
  EXPECT_EQ(play("tone_stream://d=100;w=100;x1y").size(), 10u * kFrameSamples);
}

TEST(ToneStream, SeveralTonesInOneSegmentAndSpaces) {
  EXPECT_EQ(loud_frames(play("tone_stream://%(100,0,350) %(0,100,440)%(100,0,500)")),
            pattern({{5, true}, {5, false}, {5, true}}));
}

TEST(ToneStream, SilentStepsAndEmptyMaps) {
  // A negative first frequency keeps only the gap; a zero one plays nothing.
  EXPECT_EQ(loud_frames(play("tone_stream://%(100,100,-1);%(100,0,0);%(100,0,440)")),
            pattern({{5, false}, {5, true}}));
}

TEST(ToneStream, SyntaxErrorEndsThePass) {
  EXPECT_EQ(play("tone_stream://%(100,0,350);%(100,100);%(100,0,440)").size(), 5u * kFrameSamples);
  EXPECT_EQ(play("tone_stream://%(100,0,350);1(100,100,440);%(100,0,440)").size(),
            5u * kFrameSamples);
}

TEST(ToneStream, FadeOut) {
  const auto samples = play("tone_stream://v=-10;>=100;+=3;%(1000,0,1000)");
  ASSERT_EQ(samples.size(), 50u * kFrameSamples);
  const double start = testing::rms(samples.data(), 400);
  const double end = testing::rms(samples.data() + 7600, 400);
  // Nine 3 dB steps in one second: about 27 dB down.
  EXPECT_NEAR(20.0 * std::log10(start / end), 27.0, 1.5);
}

TEST(ToneStream, NothingToPlayEndsAtOnce) {
  for (const char* spec :
       {"tone_stream://", "tone_stream://v=-10", "tone_stream://%(0,0,440);loops=-1"}) {
    auto opened = open_audio_source(spec);
    ASSERT_TRUE(opened.source) << spec;
    Frame frame;
    EXPECT_FALSE(opened.source->read(frame)) << spec;
  }
}

TEST(ToneStream, ScriptFromFile) {
  testing::TempDir dir;
  {
    std::ofstream out(dir.file("tones.ttml"));
    out << "v=-20;%(100,0,440)\n%(0,100,440)\n";
  }
  EXPECT_EQ(loud_frames(play("tone_stream://path=" + dir.file("tones.ttml"))),
            pattern({{5, true}, {5, false}}));
  auto missing = open_audio_source("tone_stream://path=" + dir.file("none"));
  EXPECT_FALSE(missing.source);
  EXPECT_TRUE(missing.not_found);
}

TEST(ToneScript, PlanOfLoopedScript) {
  TonePlan plan;
  ToneScriptState state;
  compile_tone_script("v=-12;%(100,50,350,440);L=4", plan, state);
  ASSERT_EQ(plan.steps.size(), 2u);
  ASSERT_EQ(plan.blocks.size(), 2u);
  EXPECT_EQ(plan.blocks[0].times, 1);
  EXPECT_EQ(plan.blocks[1].times, 3);
  const ToneStep& s = plan.steps[0];
  EXPECT_EQ(s.freq_count, 2);
  EXPECT_EQ(s.freqs[0], 350.0);
  EXPECT_EQ(s.freqs[1], 440.0);
  EXPECT_EQ(s.on_samples, 800);
  EXPECT_EQ(s.off_samples, 400);
  EXPECT_EQ(s.volume_db, -12.0);
  EXPECT_EQ(s.repeat, 1);
}

TEST(ToneScript, NegativeOnTimeTakesTheDefault) {
  TonePlan plan;
  ToneScriptState state;
  compile_tone_script("d=300;%(-1,10,440)", plan, state);
  ASSERT_EQ(plan.steps.size(), 1u);
  EXPECT_EQ(plan.steps[0].on_samples, 2400);
  EXPECT_EQ(plan.steps[0].off_samples, 80);
}

TEST(ToneScript, OutOfRangeVolumeIsIgnored) {
  TonePlan plan;
  ToneScriptState state;
  compile_tone_script("v=5;%(10,0,440);v=-70;%(10,0,440);v=-3;%(10,0,440)", plan, state);
  ASSERT_EQ(plan.steps.size(), 3u);
  EXPECT_EQ(plan.steps[0].volume_db, -7.0);
  EXPECT_EQ(plan.steps[1].volume_db, -7.0);
  EXPECT_EQ(plan.steps[2].volume_db, -3.0);
}

}  // namespace
}  // namespace es::media
