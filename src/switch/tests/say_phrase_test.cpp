// say and phrase on loopback calls: a private sound folder holds short WAV files named as the
// sequence needs, each a distinct signal; the other leg records, and the files must arrive in
// the recording in the order FreeSWITCH would play them. The filestring events tell the same.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <vector>

#include "core/xml_config.hpp"
#include "switch/default_dialplan.hpp"
#include "switch/media/audio_file_writer.hpp"
#include "switch/media/audio_source.hpp"
#include "switch/media/flite_engine.hpp"
#include "switch/media/speech_source.hpp"
#include "switch/tests/media_apps_fixture.hpp"

namespace es::sw::testing {
namespace {

constexpr std::size_t kClipSamples = 480;  // 60 ms each

// A signal unique to `seed`, never zero, so each clip can be found in a recording.
std::vector<std::int16_t> clip(std::uint32_t seed) {
  std::vector<std::int16_t> out(kClipSamples);
  std::uint32_t state = seed * 2654435761u + 1;
  for (auto& v : out) {
    state = state * 1103515245u + 12345u;
    v = static_cast<std::int16_t>(static_cast<int>((state >> 16) % 16000) - 8000);
    if (v == 0) v = 1;
  }
  return out;
}

class SayPhraseTest : public MediaAppsTest {
 protected:
  // Writes <dir>/<name>.wav with its own signal.
  void sound(const std::string& name) {
    std::filesystem::create_directories(std::filesystem::path(dir_ + "/" + name).parent_path());
    auto samples = clip(static_cast<std::uint32_t>(clips_.size() + 1));
    std::string error;
    auto writer = media::AudioFileWriter::open(dir_ + "/" + name + ".wav", &error);
    ASSERT_TRUE(writer) << error;
    for (std::size_t i = 0; i < samples.size(); i += media::kFrameSamples) {
      media::Frame frame;
      std::copy_n(samples.begin() + static_cast<long>(i), media::kFrameSamples,
                  frame.samples.begin());
      writer->write(frame);
    }
    clips_[name] = samples;
  }

  void use_phrases(std::string_view document) {
    auto loaded = core::XmlConfig::load_text(document, ".", runtime_->globals());
    ASSERT_TRUE(loaded) << loaded.error;
    auto config = loaded.config;
    switch_->phrases_xml = [config] { return config; };
  }

  bool app_done(const std::string& uuid, const std::string& app) {
    return recorder_->wait_until([&](const std::vector<core::FiredEventPtr>& events) {
      for (const auto& e : events) {
        if (header(e, "Unique-ID") == uuid &&
            header(e, "Event-Name") == "CHANNEL_EXECUTE_COMPLETE" &&
            header(e, "Application") == app)
          return true;
      }
      return false;
    });
  }

  // Runs `app` with `arg` on one loopback leg while the other records; returns the leg that
  // ran it. The recording is in <dir>/rec.wav.
  std::string run(const std::string& app, const std::string& arg) {
    // ';' separates the variables, so the argument may hold commas.
    std::string reply =
        api("originate", "{^^;sound_prefix=" + dir_ + ";run_arg='" + arg +
                             "'}loopback/m:^:answer^sleep:200^" + app +
                             ":${run_arg}^park/default/inline &record(" + dir_ + "/rec.wav)");
    EXPECT_EQ(reply.rfind("+OK ", 0), 0u) << reply;
    std::string a = reply.size() > 5 ? reply.substr(4, reply.size() - 5) : std::string();
    std::string b = other_leg(a);
    EXPECT_TRUE(app_done(b, app));
    EXPECT_EQ(api("uuid_kill", a), "+OK\n");
    EXPECT_TRUE(recorder_->wait_for("RECORD_STOP", a));
    return b;
  }

  // Where each named clip starts in the recording (-1: absent), in the order given.
  std::vector<long> positions(const std::vector<std::string>& names) {
    std::vector<std::int16_t> recorded;
    std::string error;
    EXPECT_TRUE(media::read_all_samples(dir_ + "/rec.wav", recorded, &error)) << error;
    std::vector<long> out;
    out.reserve(names.size());
    for (const auto& n : names) out.push_back(find_contiguous(recorded, clips_.at(n)));
    return out;
  }

  // Files named by the filestring::open events, in order.
  std::vector<std::string> opened_parts() {
    std::vector<std::string> out;
    for (const auto& e : recorder_->all()) {
      if (header(e, "Event-Subclass") == "filestring::open") out.push_back(header(e, "File"));
    }
    return out;
  }

  static void expect_increasing(const std::vector<long>& at) {
    for (std::size_t i = 0; i < at.size(); ++i) {
      EXPECT_GE(at[i], 0) << "clip " << i << " not recorded";
      if (i > 0) {
        EXPECT_GT(at[i], at[i - 1]) << "clip " << i << " out of order";
      }
    }
  }

  std::map<std::string, std::vector<std::int16_t>> clips_;
};

TEST_F(SayPhraseTest, SayNumberPlaysTheDigitFilesInOrder) {
  switch_->phrases_xml = [&] { return load_default_dialplan(runtime_->globals()); };
  std::vector<std::string> seq = {"digits/1",       "digits/thousand", "digits/2",
                                  "digits/hundred", "digits/30",       "digits/4"};
  for (const auto& f : seq) sound(f);
  std::string b = run("say", "en number pronounced 1234");
  expect_increasing(positions(seq));
  std::vector<std::string> expected;
  expected.reserve(seq.size());
  for (const auto& f : seq) expected.push_back(f + ".wav");
  EXPECT_EQ(opened_parts(), expected);
  // One playback for the whole sequence.
  int starts = 0;
  for (const auto& e : recorder_->for_channel(b)) {
    if (header(e, "Event-Name") != "PLAYBACK_START") continue;
    ++starts;
    EXPECT_EQ(header(e, "Playback-File-Path"),
              "file_string://digits/1.wav!digits/thousand.wav!digits/2.wav!digits/hundred.wav!"
              "digits/30.wav!digits/4.wav");
  }
  EXPECT_EQ(starts, 1);
}

TEST_F(SayPhraseTest, SayCurrencySkipsAMissingFileAndGoesOn) {
  switch_->phrases_xml = [&] { return load_default_dialplan(runtime_->globals()); };
  // currency/and.wav is missing: FreeSWITCH reports it (filestring::fail) and plays the rest.
  std::vector<std::string> seq = {"digits/12", "currency/dollars", "digits/30", "digits/4",
                                  "currency/cents"};
  for (const auto& f : seq) sound(f);
  run("say", "en currency pronounced 12.34");
  expect_increasing(positions(seq));
  std::vector<std::string> failed;
  for (const auto& e : recorder_->all()) {
    if (header(e, "Event-Subclass") == "filestring::fail") failed.push_back(header(e, "File"));
  }
  EXPECT_EQ(failed, std::vector<std::string>{"currency/and.wav"});
}

TEST_F(SayPhraseTest, SayWithoutALanguagePlaysNothing) {
  use_phrases(R"(<document type="freeswitch/xml"><section name="languages"/></document>)");
  sound("digits/7");
  std::string b = run("say", "en number pronounced 7");
  for (const auto& e : recorder_->for_channel(b))
    EXPECT_NE(header(e, "Event-Name"), "PLAYBACK_START");
}

TEST_F(SayPhraseTest, EmbeddedPhraseSpellsThroughTheSayModule) {
  switch_->phrases_xml = [&] { return load_default_dialplan(runtime_->globals()); };
  std::vector<std::string> seq = {"ascii/97", "ascii/98", "digits/1"};
  for (const auto& f : seq) sound(f);
  std::string b = run("phrase", "spell,ab1");
  expect_increasing(positions(seq));
  bool played = false;
  for (const auto& e : recorder_->for_channel(b)) {
    if (header(e, "Event-Name") == "CHANNEL_EXECUTE_COMPLETE" &&
        header(e, "Application") == "phrase") {
      played = header(e, "Application-Response") == "PHRASE PLAYED";
    }
  }
  EXPECT_TRUE(played);
}

constexpr std::string_view kMacros = R"XML(<document type="freeswitch/xml">
  <section name="languages">
    <language name="en" say-module="en" tts-engine="flite" tts-voice="kal">
      <phrases>
        <macros>
          <macro name="spoken" pause="0">
            <input pattern="^(.+)$">
              <match>
                <action function="play-file" data="intro"/>
                <action function="speak-text" data="$1"/>
                <action function="play-file" data="outro"/>
              </match>
            </input>
          </macro>
          <macro name="count" pause="0">
            <input pattern="^(\d+)$">
              <match>
                <action function="play-file" data="intro.wav"/>
                <action function="say" data="$1" method="pronounced" type="items"/>
              </match>
              <nomatch>
                <action function="play-file" data="invalid.wav"/>
                <action function="break"/>
              </nomatch>
            </input>
            <input pattern=".*">
              <match>
                <action function="play-file" data="outro"/>
              </match>
            </input>
          </macro>
          <macro name="stops" pause="0">
            <input>
              <match>
                <action function="play-file" data="absent"/>
                <action function="play-file" data="outro"/>
              </match>
            </input>
          </macro>
          <macro name="outer" pause="0">
            <input>
              <match>
                <action function="execute" data="set(said=yes)"/>
                <action function="phrase" phrase="count" data="7"/>
              </match>
            </input>
          </macro>
        </macros>
      </phrases>
    </language>
  </section>
</document>)XML";

TEST_F(SayPhraseTest, PhraseMacroMatchesAndSubstitutes) {
  use_phrases(kMacros);
  std::vector<std::string> seq = {"intro", "digits/40", "digits/2", "outro"};
  for (const auto& f : seq) sound(f);
  sound("invalid");
  run("phrase", "count,42");
  expect_increasing(positions(seq));
  EXPECT_EQ(positions({"invalid"}), std::vector<long>{-1});
}

TEST_F(SayPhraseTest, PlaybackPhraseTakesTheNomatchBranchAndBreaks) {
  use_phrases(kMacros);
  for (const auto* f : {"intro", "invalid", "outro"}) sound(f);
  std::string b = run("playback", "phrase:count:abc");
  EXPECT_GE(positions({"invalid"})[0], 0);
  EXPECT_EQ(positions({"intro", "outro"}), (std::vector<long>{-1, -1}));
  bool played = false;
  for (const auto& e : recorder_->for_channel(b)) {
    if (header(e, "Event-Name") == "CHANNEL_EXECUTE_COMPLETE" &&
        header(e, "Application") == "playback") {
      played = header(e, "Application-Response") == "FILE PLAYED";
    }
  }
  EXPECT_TRUE(played);
}

TEST_F(SayPhraseTest, AMissingPlayFileStopsTheMacro) {
  use_phrases(kMacros);
  sound("outro");
  std::string b = run("phrase", "stops");
  EXPECT_EQ(positions({"outro"}), std::vector<long>{-1});
  std::string response;
  for (const auto& e : recorder_->for_channel(b)) {
    if (header(e, "Event-Name") == "CHANNEL_EXECUTE_COMPLETE" &&
        header(e, "Application") == "phrase") {
      response = header(e, "Application-Response");
    }
  }
  EXPECT_EQ(response, "UNKNOWN ERROR");
}

TEST_F(SayPhraseTest, ExecuteAndNestedPhraseActions) {
  use_phrases(kMacros);
  std::vector<std::string> seq = {"intro", "digits/7", "outro"};
  for (const auto& f : seq) sound(f);
  std::string b = run("phrase", "outer");
  expect_increasing(positions(seq));
  bool set_ran = false;
  for (const auto& e : recorder_->for_channel(b)) {
    if (header(e, "Event-Name") == "CHANNEL_EXECUTE" && header(e, "Application") == "set" &&
        header(e, "Application-Data") == "said=yes") {
      set_ran = true;
    }
  }
  EXPECT_TRUE(set_ran);
}

// speak-text speaks the substituted data with the language's engine and voice, between the
// actions around it.
TEST_F(SayPhraseTest, SpeakTextActionSpeaks) {
  use_phrases(kMacros);
  sound("intro");
  sound("outro");
  run("phrase", "spoken,Hello world");
  media::SpeechAudio audio;
  std::string error;
  ASSERT_TRUE(media::flite_synthesize("kal", "Hello world", audio, &error)) << error;
  std::vector<std::int16_t> recorded;
  ASSERT_TRUE(media::read_all_samples(dir_ + "/rec.wav", recorded, &error)) << error;
  long spoken = find_contiguous(recorded, media::SpeechSource(audio).samples());
  std::vector<long> around = positions({"intro", "outro"});
  EXPECT_GE(around[0], 0);
  EXPECT_GT(spoken, around[0]);
  EXPECT_GT(around[1], spoken);
}

// On simulated time the date comes from the switch clock (1700000000 = 2023-11-14 22:13:20 UTC),
// here one hour east of UTC.
class SaySimulatedTest : public SwitchFixture {
 protected:
  SaySimulatedTest() : SwitchFixture(true) {}
};

TEST_F(SaySimulatedTest, CurrentTimeComesFromTheSwitchClock) {
  switch_->phrases_xml = [&] { return load_default_dialplan(runtime_->globals()); };
  std::string reply = api("originate",
                          "{^^;timezone=3600;sa='en current_time pronounced 0'}"
                          "loopback/m:^:answer^say:${sa}^park/default/inline &park()");
  ASSERT_EQ(reply.rfind("+OK ", 0), 0u) << reply;
  advance_ms(2000);
  std::vector<std::string> failed;
  for (const auto& e : recorder_->all()) {
    if (header(e, "Event-Subclass") == "filestring::fail") failed.push_back(header(e, "File"));
  }
  // No sound folder: every part fails, in order, and the playback is FILE NOT FOUND.
  EXPECT_EQ(failed, (std::vector<std::string>{"digits/11.wav", "digits/13.wav", "time/p-m.wav"}));
}

// A zone name is read from the zone database: 22:13 UTC is 5:13 PM in New York (EST, UTC-5).
TEST_F(SaySimulatedTest, CurrentTimeInANamedZone) {
  const char* dir = std::getenv("TZDIR");
  if (!std::filesystem::exists(std::string(dir && *dir ? dir : "/usr/share/zoneinfo") +
                               "/America/New_York")) {
    GTEST_SKIP() << "no system zone database";
  }
  switch_->phrases_xml = [&] { return load_default_dialplan(runtime_->globals()); };
  std::string reply = api("originate",
                          "{^^;timezone=America/New_York;sa='en current_time pronounced 0'}"
                          "loopback/m:^:answer^say:${sa}^park/default/inline &park()");
  ASSERT_EQ(reply.rfind("+OK ", 0), 0u) << reply;
  advance_ms(2000);
  std::vector<std::string> failed;
  for (const auto& e : recorder_->all()) {
    if (header(e, "Event-Subclass") == "filestring::fail") failed.push_back(header(e, "File"));
  }
  EXPECT_EQ(failed, (std::vector<std::string>{"digits/5.wav", "digits/13.wav", "time/p-m.wav"}));
}

}  // namespace
}  // namespace es::sw::testing
