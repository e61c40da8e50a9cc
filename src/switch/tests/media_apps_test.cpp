// Media applications over loopback pairs in real time: playback into record (sample exact),
// playback events and responses, terminators, read / play_and_get_digits from DTMF, echo
// with uuid_record, and uuid_record's reply texts.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

#include "switch/media/audio_file_writer.hpp"
#include "switch/media/audio_source.hpp"
#include "switch/tests/media_apps_fixture.hpp"

namespace es::sw::testing {
namespace {

TEST_F(MediaAppsTest, PlaybackArrivesContiguouslyInTheRecording) {
  auto played = test_signal(8000);
  write_wav(file("x.wav"), played);
  std::string a =
      uuid_of(api("originate", "{play_file=" + file("x.wav") +
                                   "}loopback/m:^:answer^sleep:600^playback:${play_file}^park/"
                                   "default/inline &record(" +
                                   file("y.wav") + ")"));
  std::string b = other_leg(a);
  ASSERT_TRUE(recorder_->wait_for("PLAYBACK_STOP", b));
  ASSERT_TRUE(wait_for_app_done(b, "playback"));
  EXPECT_EQ(api("uuid_kill", a), "+OK\n");
  ASSERT_TRUE(recorder_->wait_for("RECORD_STOP", a));

  auto start = find_event(b, "PLAYBACK_START");
  auto stop = find_event(b, "PLAYBACK_STOP");
  ASSERT_TRUE(start && stop);
  EXPECT_EQ(header(start, "Playback-File-Path"), file("x.wav"));
  EXPECT_EQ(header(stop, "Playback-File-Path"), file("x.wav"));
  EXPECT_EQ(header(stop, "Playback-Status"), "done");
  // Extended channel data, then the file headers.
  EXPECT_NE(start->event().header("variable_play_file"), nullptr);
  EXPECT_EQ(start->event().headers().back().name, "Playback-File-Path");
  EXPECT_EQ(stop->event().headers().back().name, "Playback-Status");
  EXPECT_EQ(header(find_event(b, "CHANNEL_EXECUTE_COMPLETE", "playback"), "Application-Response"),
            "FILE PLAYED");
  auto rec_start = find_event(a, "RECORD_START");
  ASSERT_TRUE(rec_start);
  EXPECT_EQ(header(rec_start, "Record-File-Path"), file("y.wav"));
  EXPECT_EQ(rec_start->event().headers().back().name, "Record-File-Path");

  std::vector<std::int16_t> recorded;
  std::string error;
  ASSERT_TRUE(media::read_all_samples(file("y.wav"), recorded, &error)) << error;
  long at = find_contiguous(recorded, played);
  EXPECT_GE(at, 0) << "recorded " << recorded.size() << " samples";
  // The 600 ms before the playback (longer than the recorder's jitter allowance) are in the
  // file as silence: the file follows the clock.
  EXPECT_GE(at, 3200);
}

TEST_F(MediaAppsTest, MissingFileIsReportedWithoutPlaybackEvents) {
  std::string a = uuid_of(
      api("originate", "loopback/m:^:answer^playback:no_such_file^park/default/inline &park()"));
  std::string b = other_leg(a);
  ASSERT_TRUE(wait_for_app_done(b, "playback"));
  EXPECT_EQ(header(find_event(b, "CHANNEL_EXECUTE_COMPLETE", "playback"), "Application-Response"),
            "FILE NOT FOUND");
  EXPECT_EQ(find_event(b, "PLAYBACK_START"), nullptr);
  api("uuid_kill", a);
}

TEST_F(MediaAppsTest, TerminatorDigitBreaksEndlessSilence) {
  std::string a = uuid_of(api("originate",
                              "{play_file=silence_stream://-1}loopback/"
                              "m:^:answer^playback:${play_file}^park/default/inline &park()"));
  std::string b = other_leg(a);
  ASSERT_TRUE(recorder_->wait_for("PLAYBACK_START", b));
  EXPECT_EQ(header(find_event(b, "PLAYBACK_START"), "Playback-File-Path"), "silence_stream://-1");
  // A non-terminator digit is consumed without stopping; '*' stops.
  send_dtmf(a, "5");
  send_dtmf(a, "*");
  ASSERT_TRUE(recorder_->wait_for("PLAYBACK_STOP", b));
  EXPECT_EQ(header(find_event(b, "PLAYBACK_STOP"), "Playback-Status"), "break");
  ASSERT_TRUE(wait_for_app_done(b, "playback"));
  EXPECT_EQ(header(find_event(b, "CHANNEL_EXECUTE_COMPLETE", "playback"), "Application-Response"),
            "FILE PLAYED");
  EXPECT_EQ(api("uuid_getvar", b + " playback_terminator_used"), "*");
  api("uuid_kill", a);
}

TEST_F(MediaAppsTest, ReadCollectsDigitsUntilTheTerminator) {
  std::string a = uuid_of(api("originate",
                              "{read_args='2 4 silence digits 5000 # 3000'}loopback/"
                              "m:^:answer^read:${read_args}^park/default/inline &park()"));
  std::string b = other_leg(a);
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_EXECUTE", b));
  ASSERT_TRUE(eventually([&] { return api("uuid_getvar", b + " current_application") == "read"; }));
  send_dtmf(a, "42#");
  ASSERT_TRUE(wait_for_app_done(b, "read"));
  EXPECT_EQ(api("uuid_getvar", b + " digits"), "42");
  EXPECT_EQ(api("uuid_getvar", b + " read_result"), "success");
  EXPECT_EQ(api("uuid_getvar", b + " read_terminator_used"), "#");
  api("uuid_kill", a);
}

TEST_F(MediaAppsTest, ReadTimesOutAfterTheDigitTimeout) {
  std::string a = uuid_of(api("originate",
                              "{read_args='1 3 silence digits 2000 # 300'}loopback/"
                              "m:^:answer^read:${read_args}^park/default/inline &park()"));
  std::string b = other_leg(a);
  ASSERT_TRUE(eventually([&] { return api("uuid_getvar", b + " current_application") == "read"; }));
  send_dtmf(a, "7");
  ASSERT_TRUE(wait_for_app_done(b, "read"));
  EXPECT_EQ(api("uuid_getvar", b + " digits"), "7");
  EXPECT_EQ(api("uuid_getvar", b + " read_result"), "timeout");
  api("uuid_kill", a);
}

// The IVR acceptance test: a prompt, play_and_get_digits, digits from the other leg.
TEST_F(MediaAppsTest, PlayAndGetDigitsSetsTheVariableFromDtmf) {
  write_wav(file("prompt.wav"), test_signal(16000));
  std::string a = uuid_of(api("originate", "{pagd='1 3 2 3000 # " + file("prompt.wav") +
                                               " silence_stream://100 digits ^1'}loopback/"
                                               "m:^:answer^play_and_get_digits:${pagd}^park/"
                                               "default/inline &park()"));
  std::string b = other_leg(a);
  ASSERT_TRUE(recorder_->wait_for("PLAYBACK_START", b));
  send_dtmf(a, "123#");
  ASSERT_TRUE(wait_for_app_done(b, "play_and_get_digits"));
  EXPECT_EQ(api("uuid_getvar", b + " digits"), "123");
  EXPECT_EQ(api("uuid_getvar", b + " read_result"), "success");
  // The first digit stopped the prompt.
  EXPECT_EQ(header(find_event(b, "PLAYBACK_STOP"), "Playback-Status"), "break");
  api("uuid_kill", a);
}

TEST_F(MediaAppsTest, PlayAndGetDigitsRejectsDigitsFailingTheRegex) {
  std::string a = uuid_of(api("originate",
                              "{pagd='1 3 1 3000 # silence silence_stream://100 digits ^9'}"
                              "loopback/m:^:answer^play_and_get_digits:${pagd}^park/"
                              "default/inline &park()"));
  std::string b = other_leg(a);
  ASSERT_TRUE(eventually(
      [&] { return api("uuid_getvar", b + " current_application") == "play_and_get_digits"; }));
  send_dtmf(a, "123#");
  ASSERT_TRUE(wait_for_app_done(b, "play_and_get_digits"));
  EXPECT_EQ(api("uuid_getvar", b + " digits"), "_undef_")
      << "b: " << history(b) << "\na: " << history(a);
  EXPECT_EQ(api("uuid_getvar", b + " digits_invalid"), "123");
  api("uuid_kill", a);
}

TEST_F(MediaAppsTest, EchoReturnsWhatItReceives) {
  auto played = test_signal(4000);
  write_wav(file("e.wav"), played);
  std::string a =
      uuid_of(api("originate", "loopback/m:^:answer^echo/default/inline m:^:sleep:300^playback:" +
                                   file("e.wav") + "^sleep:500^park inline"));
  EXPECT_EQ(api("uuid_record", a + " start " + file("echo.wav")), "+OK Success\n");
  ASSERT_TRUE(recorder_->wait_for("PLAYBACK_STOP", a));
  // The echo comes back a few frames behind what was played; on a loaded machine more so,
  // hence half a second of margin before the recording stops.
  ASSERT_TRUE(wait_for_app_done(a, "sleep", 2));
  EXPECT_EQ(api("uuid_record", a + " stop " + file("echo.wav")), "+OK Success\n");
  ASSERT_TRUE(recorder_->wait_for("RECORD_STOP", a));
  EXPECT_EQ(header(find_event(a, "RECORD_STOP"), "Record-File-Path"), file("echo.wav"));
  std::vector<std::int16_t> recorded;
  std::string error;
  ASSERT_TRUE(media::read_all_samples(file("echo.wav"), recorded, &error)) << error;
  EXPECT_GE(find_contiguous(recorded, played), 0) << "recorded " << recorded.size();
  api("uuid_kill", a);
}

TEST_F(MediaAppsTest, UuidRecordReplies) {
  std::string usage =
      "-USAGE: <uuid> [start|stop|mask|unmask] <path> [<limit>] [<recording_vars>]\n";
  EXPECT_EQ(api("uuid_record", ""), usage);
  EXPECT_EQ(api("uuid_record", "x start"), usage);
  EXPECT_EQ(api("uuid_record", "nope start /tmp/a.wav"), "-ERR Cannot locate session!\n");
  std::string a = uuid_of(api("originate", "null/1 &park()"));
  EXPECT_EQ(api("uuid_record", a + " frob " + file("r.wav")), usage);
  EXPECT_EQ(api("uuid_record", a + " stop " + file("r.wav")), "-ERR Cannot stop record session!\n");
  EXPECT_EQ(api("uuid_record", a + " mask " + file("r.wav")),
            "-ERR Cannot mask recording session!\n");
  EXPECT_EQ(api("uuid_record", a + " unmask " + file("r.wav")),
            "-ERR Cannot unmask recording session!\n");
  EXPECT_EQ(api("uuid_record", a + " pause " + file("r.wav")),
            "-ERR Cannot pause recording session!\n");
  EXPECT_EQ(api("uuid_record", a + " resume " + file("r.wav")),
            "-ERR Cannot resume recording session!\n");
  EXPECT_EQ(api("uuid_record", a + " start /no/such/dir/r.wav"), "-ERR Cannot record session!\n");
  EXPECT_EQ(api("uuid_record", a + " start " + file("r.wav")), "+OK Success\n");
  EXPECT_EQ(api("uuid_record", a + " mask " + file("r.wav")), "+OK Success\n");
  EXPECT_EQ(api("uuid_record", a + " unmask " + file("r.wav")), "+OK Success\n");
  EXPECT_EQ(api("uuid_record", a + " stop all"), "+OK Success\n");
  ASSERT_TRUE(recorder_->wait_for("RECORD_STOP", a));
  api("uuid_kill", a);
}

TEST_F(MediaAppsTest, RecordToAnUnwritablePathHangsUp) {
  std::string reply = api("originate", "null/1 &record(/no/such/dir/r.wav)");
  std::string a = uuid_of(reply);
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_HANGUP", a));
  EXPECT_EQ(header(find_event(a, "CHANNEL_HANGUP"), "Hangup-Cause"), "DESTINATION_OUT_OF_ORDER");
}

TEST_F(MediaAppsTest, RecordStopsAtItsTimeLimit) {
  std::string a = uuid_of(api("originate", "null/1 '&record(" + file("t.wav") + " 1)'"));
  ASSERT_TRUE(recorder_->wait_for("RECORD_STOP", a, std::chrono::seconds(3)));
  std::string samples = header(find_event(a, "RECORD_STOP"), "variable_record_samples");
  // The time limit is whole seconds, exceeded: just over 1 s of silence.
  EXPECT_GE(std::atoi(samples.c_str()), 7600) << samples;
  EXPECT_LE(std::atoi(samples.c_str()), 10400) << samples;
}

}  // namespace
}  // namespace es::sw::testing
