// uuid_displace and displace_session over a loopback pair in real time: one leg writes silence
// toward the other, which records what it hears; displacing the writing leg puts the file in
// the recording for as long as the displacement lasts (stop, time limit) and nothing after.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "switch/media/audio_source.hpp"
#include "switch/tests/media_apps_fixture.hpp"

namespace es::sw::testing {
namespace {

class MediaDisplaceTest : public MediaAppsTest {
 protected:
  // What `b` recorded of the tone: where the tone's start is, how much of it follows
  // contiguously, and how many non-silent samples come after that stretch.
  struct Heard {
    long at = -1;
    std::size_t length = 0;
    std::size_t after = 0;        // samples recorded after the stretch
    std::size_t noise_after = 0;  // of them, not silence
  };
  static Heard heard(const std::vector<std::int16_t>& recorded,
                     const std::vector<std::int16_t>& tone) {
    Heard h;
    h.at = find_contiguous(recorded, std::vector<std::int16_t>(tone.begin(), tone.begin() + 800));
    if (h.at < 0) return h;
    auto i = static_cast<std::size_t>(h.at);
    while (i + h.length < recorded.size() && h.length < tone.size() &&
           recorded[i + h.length] == tone[h.length])
      ++h.length;
    for (std::size_t j = i + h.length; j < recorded.size(); ++j) {
      ++h.after;
      if (recorded[j] != 0) ++h.noise_after;
    }
    return h;
  }

  std::vector<std::int16_t> read(const std::string& path) {
    std::vector<std::int16_t> samples;
    std::string error;
    EXPECT_TRUE(media::read_all_samples(path, samples, &error)) << error;
    return samples;
  }

  static void sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

  // a plays `seconds` of silence toward b, then parks; b answers and parks.
  std::string silent_pair(int seconds, const std::string& before_playback = {}) {
    return uuid_of(api("originate", "loopback/m:^:answer^park/default/inline m:^:" +
                                        before_playback + "playback:silence_stream://" +
                                        std::to_string(seconds * 1000) + "^park inline"));
  }
};

TEST_F(MediaDisplaceTest, StopEndsTheDisplacedAudio) {
  auto tone = test_signal(std::size_t{8000} * 4);
  write_wav(file("tone.wav"), tone);
  std::string a = silent_pair(4);
  std::string b = other_leg(a);
  ASSERT_TRUE(recorder_->wait_for("PLAYBACK_START", a));
  ASSERT_EQ(api("uuid_record", b + " start " + file("b.wav")), "+OK Success\n");
  sleep_ms(200);
  EXPECT_EQ(api("uuid_displace", a + " start " + file("tone.wav")), "+OK Success\n");
  sleep_ms(700);
  EXPECT_EQ(api("uuid_displace", a + " stop " + file("tone.wav")), "+OK Success\n");
  sleep_ms(500);
  ASSERT_EQ(api("uuid_record", b + " stop " + file("b.wav")), "+OK Success\n");
  ASSERT_TRUE(recorder_->wait_for("RECORD_STOP", b));
  Heard h = heard(read(file("b.wav")), tone);
  ASSERT_GE(h.at, 0) << "the tone never reached b";
  // About 0.7 s of the tone, then only silence for the rest of the recording.
  EXPECT_GE(h.length, 4000u);
  EXPECT_LT(h.length, 16000u);
  EXPECT_GE(h.after, 2400u);
  EXPECT_EQ(h.noise_after, 0u);
  // Stopped twice: the second finds nothing.
  EXPECT_EQ(api("uuid_displace", a + " stop " + file("tone.wav")),
            "-ERR Cannot stop displace session!\n");
  api("uuid_kill", a);
}

TEST_F(MediaDisplaceTest, TheLimitEndsTheDisplacedAudio) {
  auto tone = test_signal(std::size_t{8000} * 4);
  write_wav(file("tone.wav"), tone);
  std::string a = silent_pair(3);
  std::string b = other_leg(a);
  ASSERT_TRUE(recorder_->wait_for("PLAYBACK_START", a));
  ASSERT_EQ(api("uuid_record", b + " start " + file("b.wav")), "+OK Success\n");
  EXPECT_EQ(api("uuid_displace", a + " start " + file("tone.wav") + " 1"), "+OK Success\n");
  ASSERT_TRUE(recorder_->wait_for("PLAYBACK_STOP", a, std::chrono::seconds(10)));
  ASSERT_EQ(api("uuid_record", b + " stop " + file("b.wav")), "+OK Success\n");
  ASSERT_TRUE(recorder_->wait_for("RECORD_STOP", b));
  Heard h = heard(read(file("b.wav")), tone);
  ASSERT_GE(h.at, 0) << "the tone never reached b";
  // One second of the tone (a frame or two either way), then silence.
  EXPECT_GE(h.length, 8000u - 480u);
  EXPECT_LE(h.length, 8000u + 480u);
  EXPECT_GE(h.after, 4000u);
  EXPECT_EQ(h.noise_after, 0u);
  // Past its limit the displacement is gone: stop finds nothing, the same file may start again.
  EXPECT_EQ(api("uuid_displace", a + " stop " + file("tone.wav")),
            "-ERR Cannot stop displace session!\n");
  api("uuid_kill", a);
}

TEST_F(MediaDisplaceTest, MuxMixesTheFileIntoTheAudio) {
  // a plays a constant 1000 toward b; the tone mixed in arrives as tone + 1000.
  std::vector<std::int16_t> level(std::size_t{8000} * 3, 1000);
  write_wav(file("level.wav"), level);
  auto tone = test_signal(std::size_t{8000} * 4);
  write_wav(file("tone.wav"), tone);
  std::string a = uuid_of(api("originate", "loopback/m:^:answer^park/default/inline m:^:playback:" +
                                               file("level.wav") + "^park inline"));
  std::string b = other_leg(a);
  ASSERT_TRUE(recorder_->wait_for("PLAYBACK_START", a));
  ASSERT_EQ(api("uuid_record", b + " start " + file("b.wav")), "+OK Success\n");
  EXPECT_EQ(api("uuid_displace", a + " start " + file("tone.wav") + " 0 mux"), "+OK Success\n");
  ASSERT_TRUE(recorder_->wait_for("PLAYBACK_STOP", a, std::chrono::seconds(10)));
  ASSERT_EQ(api("uuid_record", b + " stop " + file("b.wav")), "+OK Success\n");
  ASSERT_TRUE(recorder_->wait_for("RECORD_STOP", b));
  std::vector<std::int16_t> mixed(tone.begin(), tone.begin() + 8000);
  for (auto& v : mixed) v = static_cast<std::int16_t>(v + 1000);
  EXPECT_GE(find_contiguous(read(file("b.wav")), mixed), 0);
  api("uuid_kill", a);
}

TEST_F(MediaDisplaceTest, DisplaceSessionApplicationWithTimeLimit) {
  auto tone = test_signal(std::size_t{8000} * 4);
  write_wav(file("tone.wav"), tone);
  // The application waits a second so that b records before the displacement begins (started
  // at once, its first frames could pass before uuid_record on a loaded machine: CI saw that).
  std::string a = uuid_of(api("originate", "{disp='" + file("tone.wav") +
                                               " +1'}loopback/m:^:answer^park/default/inline "
                                               "m:^:sleep:1000^displace_session:${disp}^playback:"
                                               "silence_stream://2500^park inline"));
  std::string b = other_leg(a);
  ASSERT_EQ(api("uuid_record", b + " start " + file("b.wav")), "+OK Success\n");
  ASSERT_TRUE(recorder_->wait_for("RECORD_START", b));
  ASSERT_EQ(find_event(a, "CHANNEL_EXECUTE", "displace_session"), nullptr)
      << "the displacement began before b recorded";
  ASSERT_TRUE(recorder_->wait_for("PLAYBACK_STOP", a, std::chrono::seconds(10)));
  ASSERT_EQ(api("uuid_record", b + " stop " + file("b.wav")), "+OK Success\n");
  ASSERT_TRUE(recorder_->wait_for("RECORD_STOP", b));
  Heard h = heard(read(file("b.wav")), tone);
  ASSERT_GE(h.at, 0) << "the tone never reached b: " << history(a);
  EXPECT_GE(h.length, 8000u - 480u);
  EXPECT_LE(h.length, 8000u + 480u);
  EXPECT_EQ(h.noise_after, 0u);
  api("uuid_kill", a);
}

TEST_F(MediaDisplaceTest, UuidDisplaceReplies) {
  std::string usage = "-USAGE: <uuid> [start|stop] <path> [<limit>] [mux]\n";
  EXPECT_EQ(api("uuid_displace", ""), usage);
  EXPECT_EQ(api("uuid_displace", "x start"), usage);
  EXPECT_EQ(api("uuid_displace", "nope start /tmp/a.wav"), "-ERR Cannot locate session!\n");
  write_wav(file("t.wav"), test_signal(8000));
  std::string a = uuid_of(api("originate", "null/1 &park()"));
  EXPECT_EQ(api("uuid_displace", a + " frob " + file("t.wav")), usage);
  EXPECT_EQ(api("uuid_displace", a + " stop " + file("t.wav")),
            "-ERR Cannot stop displace session!\n");
  EXPECT_EQ(api("uuid_displace", a + " start " + file("missing.wav")),
            "-ERR Cannot displace session!\n");
  EXPECT_EQ(api("uuid_displace", a + " start " + file("t.wav")), "+OK Success\n");
  // One displacement per file and channel.
  EXPECT_EQ(api("uuid_displace", a + " start " + file("t.wav")), "-ERR Cannot displace session!\n");
  EXPECT_EQ(api("uuid_displace", a + " STOP " + file("t.wav")), "+OK Success\n");
  EXPECT_EQ(api("uuid_displace", a + " start " + file("t.wav") + " 5 mux"), "+OK Success\n");
  EXPECT_EQ(api("uuid_displace", a + " stop " + file("t.wav")), "+OK Success\n");
  api("uuid_kill", a);
}

TEST_F(MediaDisplaceTest, DisplaceHangupOnErrorHangsUpWhenTheFileIsMissing) {
  std::string a = uuid_of(api("originate", "{DISPLACE_HANGUP_ON_ERROR=true}null/1 &park()"));
  EXPECT_EQ(api("uuid_displace", a + " start " + file("missing.wav")),
            "-ERR Cannot displace session!\n");
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_HANGUP", a));
  EXPECT_EQ(header(find_event(a, "CHANNEL_HANGUP"), "Hangup-Cause"), "DESTINATION_OUT_OF_ORDER");
}

}  // namespace
}  // namespace es::sw::testing
