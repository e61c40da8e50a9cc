// Issue 3 acceptance: playback on one leg of a bridge is recorded on the other leg, sample for
// sample. Two loopback pairs joined by `bridge`: B1 plays, A1 and A2 are bridged, B2 records.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "switch/media/audio_file_writer.hpp"
#include "switch/media/audio_source.hpp"
#include "switch/tests/switch_fixture.hpp"

namespace es::sw::testing {
namespace {

std::vector<std::int16_t> noise(std::size_t samples) {
  std::vector<std::int16_t> out(samples);
  std::uint32_t state = 987654321u;
  for (auto& v : out) {
    state = state * 1664525u + 1013904223u;
    v = static_cast<std::int16_t>(static_cast<int>((state >> 16) % 20000) - 10000);
    if (v == 0) v = 7;
  }
  return out;
}

class BridgeMediaTest : public SwitchFixture {
 protected:
  BridgeMediaTest() {
    char tmpl[] = "/tmp/es_bridge_media_XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  ~BridgeMediaTest() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string dir_;
};

TEST_F(BridgeMediaTest, PlaybackOnOneLegIsRecordedOnTheOther) {
  auto played = noise(8000);  // one second
  std::string play_path = dir_ + "/played.wav";
  std::string record_path = dir_ + "/recorded.wav";
  {
    std::string error;
    auto writer = media::AudioFileWriter::open(play_path, &error);
    ASSERT_TRUE(writer) << error;
    for (std::size_t i = 0; i < played.size(); i += media::kFrameSamples) {
      media::Frame frame;
      std::copy_n(played.begin() + static_cast<long>(i), media::kFrameSamples,
                  frame.samples.begin());
      writer->write(frame);
    }
  }
  // A1 (returned) bridges to A2; B1 (A1's far end) plays after a short pause, B2 (A2's far
  // end) records. Variables of each A-leg reach its B-leg; `\$` keeps the bridge application
  // from expanding ${rec_file} on A1, where it is not set.
  std::string reply = api(
      "originate", "{play_file=" + play_path +
                       "}loopback/m:^:answer^sleep:400^playback:${play_file}^park/default/inline "
                       "&bridge({rec_file=" +
                       record_path + "}loopback/m:^:answer^record:\\${rec_file}/default/inline)");
  ASSERT_EQ(reply.rfind("+OK ", 0), 0u) << reply;
  std::string a1 = reply.substr(4, reply.size() - 5);
  ASSERT_TRUE(recorder_->wait_for("CHANNEL_BRIDGE", a1));
  std::string b1 = switch_->locate(a1)->variable("other_loopback_leg_uuid").value_or("");
  ASSERT_FALSE(b1.empty());
  bool played_out = recorder_->wait_for("PLAYBACK_STOP", b1, std::chrono::seconds(10));
  if (!played_out) {
    for (const auto& e : recorder_->for_channel(b1))
      ADD_FAILURE() << header(e, "Event-Name") << " " << header(e, "Application") << " "
                    << header(e, "Application-Data") << " " << header(e, "Application-Response");
  }
  ASSERT_TRUE(played_out);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(api("uuid_kill", a1), "+OK\n");
  ASSERT_TRUE(recorder_->wait_for("RECORD_STOP", {}, std::chrono::seconds(5)));
  ASSERT_TRUE(eventually([&] { return switch_->count() == 0; }));

  std::vector<std::int16_t> recorded;
  std::string error;
  ASSERT_TRUE(media::read_all_samples(record_path, recorded, &error)) << error;
  ASSERT_GE(recorded.size(), played.size());
  auto at = std::search(recorded.begin(), recorded.end(), played.begin(), played.end());
  EXPECT_NE(at, recorded.end()) << "the played second is not contiguous in the recording ("
                                << recorded.size() << " samples recorded)";
}

}  // namespace
}  // namespace es::sw::testing
