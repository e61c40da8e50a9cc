// Speech through flite: the voices under mod_flite's names, synthesis that is audible and of
// a plausible length, its conversion to 8 kHz frames, and the worker thread that runs it.
#include <gtest/gtest.h>

#include <chrono>
#include <future>

#include "media_test_support.hpp"
#include "switch/media/flite_engine.hpp"
#include "switch/media/speech_source.hpp"
#include "switch/media/speech_synthesizer.hpp"

namespace es::media {
namespace {

double seconds(std::size_t samples, int rate) {
  return static_cast<double>(samples) / rate;
}

TEST(FliteEngine, KnowsModFlitesVoiceNames) {
  for (const char* name : {"awb", "kal", "kal16", "rms", "slt", "KAL", "Slt"})
    EXPECT_TRUE(flite_voice_known(name)) << name;
  for (const char* name : {"", "bob", "kal8", "cmu_us_kal"})
    EXPECT_FALSE(flite_voice_known(name)) << name;
}

TEST(FliteEngine, HelloWorldIsAudibleSpeech) {
  SpeechAudio audio;
  std::string error;
  ASSERT_TRUE(flite_synthesize("kal", "Hello world", audio, &error)) << error;
  // mod_flite's kal is the 16 kHz kal16 voice.
  EXPECT_EQ(audio.rate, 16000);
  const double duration = seconds(audio.samples.size(), audio.rate);
  EXPECT_GT(duration, 0.3);
  EXPECT_LT(duration, 5.0);
  EXPECT_GT(testing::rms(audio.samples.data(), audio.samples.size()), 300.0);
}

TEST(FliteEngine, EveryVoiceSpeaks) {
  for (const char* name : {"awb", "kal16", "rms", "slt"}) {
    SpeechAudio audio;
    std::string error;
    ASSERT_TRUE(flite_synthesize(name, "Hello world", audio, &error)) << name << ": " << error;
    EXPECT_GT(seconds(audio.samples.size(), audio.rate), 0.3) << name;
    EXPECT_GT(testing::rms(audio.samples.data(), audio.samples.size()), 300.0) << name;
  }
}

TEST(FliteEngine, UnknownVoiceIsRefused) {
  SpeechAudio audio;
  std::string error;
  EXPECT_FALSE(flite_synthesize("bob", "Hello world", audio, &error));
  EXPECT_FALSE(error.empty());
  EXPECT_TRUE(audio.samples.empty());
}

TEST(SpeechSource, PlaysTheSpeechAtTheSwitchRate) {
  SpeechAudio audio;
  std::string error;
  ASSERT_TRUE(flite_synthesize("slt", "Hello world", audio, &error)) << error;
  SpeechSource source(audio);
  // 16 kHz in, 8 kHz out: half as many samples (rounded up).
  EXPECT_EQ(source.samples().size(), (audio.samples.size() + 1) / 2);
  const auto played = testing::drain(source);
  ASSERT_GE(played.size(), source.samples().size());
  EXPECT_LT(played.size(), source.samples().size() + kFrameSamples);
  EXPECT_EQ(played.size() % kFrameSamples, 0u);
  EXPECT_GT(seconds(played.size(), kSampleRate), 0.3);
  // The level survives the conversion (the speech has little above 4 kHz).
  const double in = testing::rms(audio.samples.data(), audio.samples.size());
  const double out = testing::rms(played.data(), played.size());
  EXPECT_GT(out, 0.5 * in);
  EXPECT_LT(out, 1.1 * in);
}

TEST(SpeechSource, AudioAtTheSwitchRateIsPlayedAsIs) {
  SpeechAudio audio;
  audio.rate = kSampleRate;
  audio.samples = {1, 2, 3, -4};
  SpeechSource source(audio);
  Frame frame;
  ASSERT_TRUE(source.read(frame));
  EXPECT_EQ(frame.samples[0], 1);
  EXPECT_EQ(frame.samples[3], -4);
  EXPECT_EQ(frame.samples[4], 0);
  EXPECT_FALSE(source.read(frame));
}

TEST(SpeechSynthesizer, SynthesizesOnItsWorkerThread) {
  SpeechSynthesizer synthesizer;
  std::promise<std::pair<std::unique_ptr<SpeechSource>, std::thread::id>> result;
  auto future = result.get_future();
  ASSERT_TRUE(synthesizer.submit(
      {"kal", "Hello world", [&](std::unique_ptr<SpeechSource> source, const std::string&) {
         result.set_value({std::move(source), std::this_thread::get_id()});
       }}));
  ASSERT_EQ(future.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  auto [source, thread] = future.get();
  EXPECT_NE(thread, std::this_thread::get_id());
  ASSERT_TRUE(source);
  const auto played = testing::drain(*source);
  EXPECT_GT(seconds(played.size(), kSampleRate), 0.3);
  EXPECT_GT(testing::rms(played.data(), played.size()), 300.0);
}

TEST(SpeechSynthesizer, AnUnknownVoiceCompletesWithAnError) {
  SpeechSynthesizer synthesizer;
  std::promise<std::string> result;
  auto future = result.get_future();
  ASSERT_TRUE(synthesizer.submit(
      {"bob", "Hello", [&](std::unique_ptr<SpeechSource> source, const std::string& error) {
         result.set_value(source ? std::string() : error);
       }}));
  ASSERT_EQ(future.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_FALSE(future.get().empty());
}

}  // namespace
}  // namespace es::media
