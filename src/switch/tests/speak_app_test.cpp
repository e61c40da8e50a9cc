// speak over loopback pairs in real time: flite's speech recorded at the far end (length,
// level, and the very samples flite made), its execute events, DTMF terminators, `playback
// say:` with tts_engine / tts_voice, and FreeSWITCH's errors for an unknown engine or voice.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <mutex>
#include <thread>
#include <vector>

#include "switch/media/audio_source.hpp"
#include "switch/media/flite_engine.hpp"
#include "switch/media/speech_source.hpp"
#include "switch/tests/error_log_recorder.hpp"
#include "switch/tests/media_apps_fixture.hpp"

namespace es::sw::testing {
namespace {

// Milliseconds of 20 ms frames whose level is above a quiet room's.
int voiced_ms(const std::vector<std::int16_t>& samples) {
  int frames = 0;
  for (std::size_t i = 0; i + media::kFrameSamples <= samples.size(); i += media::kFrameSamples) {
    double sum = 0.0;
    for (int j = 0; j < media::kFrameSamples; ++j)
      sum += static_cast<double>(samples[i + j]) * samples[i + j];
    if (std::sqrt(sum / media::kFrameSamples) > 200.0) ++frames;
  }
  return frames * 20;
}

class SpeakAppTest : public MediaAppsTest {
 protected:
  SpeakAppTest() { runtime_->log().add_sink(log_); }

  // A loopback pair: the b leg answers and runs `apps` ('^'-separated inline dialplan, with
  // ${speak_arg} = `speak_arg`), the a leg records what it hears into `recording`.
  std::string call(const std::string& speak_arg, const std::string& apps,
                   const std::string& recording) {
    return uuid_of(api("originate", "'{speak_arg=" + speak_arg + "}loopback/m:^:answer^" + apps +
                                        "^park/default/inline' &record(" + recording + ")"));
  }

  std::vector<std::int16_t> recorded(const std::string& a, const std::string& path) {
    EXPECT_TRUE(recorder_->wait_for("RECORD_START", a));
    EXPECT_EQ(api("uuid_kill", a), "+OK\n");
    EXPECT_TRUE(recorder_->wait_for("RECORD_STOP", a));
    std::vector<std::int16_t> samples;
    std::string error;
    EXPECT_TRUE(media::read_all_samples(path, samples, &error)) << error;
    return samples;
  }

  std::shared_ptr<ErrorLogRecorder> log_ = std::make_shared<ErrorLogRecorder>();
};

TEST_F(SpeakAppTest, SpokenTextArrivesInTheRecording) {
  std::string a = call("flite|kal|Hello world", "sleep:200^speak:${speak_arg}", file("s.wav"));
  std::string b = other_leg(a);
  ASSERT_TRUE(wait_for_app_done(b, "speak"));
  auto samples = recorded(a, file("s.wav"));

  // Heard: more than 0.3 s of it is speech, not silence.
  EXPECT_GT(voiced_ms(samples), 300) << samples.size() << " samples recorded";
  // And it is exactly flite's kal voice saying it, converted to 8 kHz.
  media::SpeechAudio audio;
  std::string error;
  ASSERT_TRUE(media::flite_synthesize("kal", "Hello world", audio, &error)) << error;
  media::SpeechSource expected(audio);
  EXPECT_GE(find_contiguous(samples, expected.samples()), 0);

  auto execute = find_event(b, "CHANNEL_EXECUTE", "speak");
  auto done = find_event(b, "CHANNEL_EXECUTE_COMPLETE", "speak");
  ASSERT_TRUE(execute && done);
  EXPECT_EQ(header(execute, "Application-Data"), "flite|kal|Hello world");
  EXPECT_EQ(header(done, "Application-Data"), "flite|kal|Hello world");
  // speak sets no response of its own.
  EXPECT_EQ(header(done, "Application-Response"), "_none_");
  EXPECT_EQ(find_event(b, "PLAYBACK_START"), nullptr);
}

TEST_F(SpeakAppTest, VoiceAndEngineComeFromChannelVariables) {
  std::string a = call("Hello world", "set:tts_engine=flite^set:tts_voice=slt^speak:${speak_arg}",
                       file("v.wav"));
  std::string b = other_leg(a);
  ASSERT_TRUE(wait_for_app_done(b, "speak"));
  auto samples = recorded(a, file("v.wav"));
  EXPECT_GT(voiced_ms(samples), 300);
  // slt's synthesis varies from run to run (unlike kal's), so the samples cannot be matched;
  // they are at least not kal's.
  media::SpeechAudio kal;
  std::string error;
  ASSERT_TRUE(media::flite_synthesize("kal", "Hello world", kal, &error)) << error;
  EXPECT_LT(find_contiguous(samples, media::SpeechSource(kal).samples()), 0);
}

TEST_F(SpeakAppTest, PlaybackSayPrefixSpeaksWithTheTtsVariables) {
  std::string a =
      call("say:Hello world", "set:tts_engine=flite^set:tts_voice=kal^playback:${speak_arg}",
           file("p.wav"));
  std::string b = other_leg(a);
  ASSERT_TRUE(wait_for_app_done(b, "playback"));
  EXPECT_EQ(header(find_event(b, "CHANNEL_EXECUTE_COMPLETE", "playback"), "Application-Response"),
            "FILE PLAYED");
  auto samples = recorded(a, file("p.wav"));
  EXPECT_GT(voiced_ms(samples), 300);
  // No playback events for spoken text, as in FreeSWITCH.
  EXPECT_EQ(find_event(b, "PLAYBACK_START"), nullptr);
}

TEST_F(SpeakAppTest, UnknownVoiceIsRefusedAndTheCallGoesOn) {
  std::string a =
      call("flite|bob|Hello world", "speak:${speak_arg}^set:after_speak=yes", file("u.wav"));
  std::string b = other_leg(a);
  ASSERT_TRUE(wait_for_app_done(b, "speak"));
  EXPECT_TRUE(eventually([&] { return api("uuid_getvar", b + " after_speak") == "yes"; }));
  EXPECT_TRUE(log_->saw("Valid voice names are awb, rms, slt or kal."));
  EXPECT_TRUE(log_->saw("Invalid TTS module flite[bob]!"));
  auto samples = recorded(a, file("u.wav"));
  EXPECT_EQ(voiced_ms(samples), 0);
}

TEST_F(SpeakAppTest, UnknownEngineIsRefused) {
  std::string a = call("espeak|kal|Hello", "speak:${speak_arg}", file("e.wav"));
  std::string b = other_leg(a);
  ASSERT_TRUE(wait_for_app_done(b, "speak"));
  EXPECT_TRUE(log_->saw("Invalid speech module [espeak]!"));
  EXPECT_TRUE(log_->saw("Invalid TTS module espeak[kal]!"));
  api("uuid_kill", a);
}

TEST_F(SpeakAppTest, MissingVoiceHangsUp) {
  // Text only, and no tts_engine / tts_voice: mod_dptools hangs up.
  std::string a = call("Hello", "sleep:300^speak:${speak_arg}", file("m.wav"));
  std::string b = other_leg(a);
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_HANGUP", b));
  EXPECT_TRUE(log_->saw("Invalid Params! [NULL][NULL][Hello]"));
  EXPECT_EQ(header(find_event(b, "CHANNEL_HANGUP"), "Hangup-Cause"), "DESTINATION_OUT_OF_ORDER");
}

TEST_F(SpeakAppTest, TerminatorDigitStopsTheSpeech) {
  // Long enough to be still speaking when the digit arrives.
  std::string long_text;
  for (int i = 0; i < 20; ++i) long_text += "This sentence is spoken slowly and at length. ";
  std::string a = call("flite|kal|" + long_text, "speak:${speak_arg}", file("t.wav"));
  std::string b = other_leg(a);
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_EXECUTE", b));
  ASSERT_TRUE(eventually([&] { return find_event(b, "CHANNEL_EXECUTE", "speak") != nullptr; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(api("uuid_send_dtmf", a + " *").rfind("+OK", 0), 0u);
  ASSERT_TRUE(wait_for_app_done(b, "speak"));
  EXPECT_EQ(api("uuid_getvar", b + " playback_terminator_used"), "*");
  api("uuid_kill", a);
}

// On the simulated clock the synthesis takes no time and the speech lasts exactly its frames.
class SpeakSimulatedTest : public SwitchFixture {
 protected:
  SpeakSimulatedTest() : SwitchFixture(true) {}

  core::FiredEventPtr speak_event(const std::string& uuid, const std::string& name) {
    for (const auto& e : recorder_->for_channel(uuid)) {
      if (header(e, "Event-Name") == name && header(e, "Application") == "speak") return e;
    }
    return nullptr;
  }
};

TEST_F(SpeakSimulatedTest, SpeechLastsItsFramesOnTheSwitchClock) {
  media::SpeechAudio audio;
  std::string error;
  ASSERT_TRUE(media::flite_synthesize("kal", "Hello world", audio, &error)) << error;
  const auto samples = static_cast<std::int64_t>(media::SpeechSource(audio).samples().size());
  const std::int64_t frames = (samples + media::kFrameSamples - 1) / media::kFrameSamples;

  std::string a = uuid_of(api("originate", "null/1 '&speak(flite|kal|Hello world)'"));
  // The clock may only move once the application runs: until the session has started it is
  // not counted as busy. Then one frame's time per step: a session that reacts late to a step
  // (a loaded machine outlasts the fixture's bounded settle) catches up on the next one, where
  // one long step would leave it a backlog that pacing drops.
  ASSERT_TRUE(eventually([&] { return speak_event(a, "CHANNEL_EXECUTE") != nullptr; }));
  for (std::int64_t step = 0;
       step < frames + 50 && speak_event(a, "CHANNEL_EXECUTE_COMPLETE") == nullptr; ++step) {
    advance_ms(20);
  }
  auto begun = speak_event(a, "CHANNEL_EXECUTE");
  auto done = speak_event(a, "CHANNEL_EXECUTE_COMPLETE");
  ASSERT_TRUE(begun) << "no CHANNEL_EXECUTE of speak";
  ASSERT_TRUE(done) << "no CHANNEL_EXECUTE_COMPLETE of speak";
  const std::int64_t lasted = std::stoll(header(done, "Event-Date-Timestamp")) -
                              std::stoll(header(begun, "Event-Date-Timestamp"));
  EXPECT_GE(lasted, frames * 20000);
  EXPECT_LE(lasted, frames * 20000 + 20000);
  api("uuid_kill", a);
}

}  // namespace
}  // namespace es::sw::testing
