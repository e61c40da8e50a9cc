// uuid_record's directions over a loopback pair in real time: each leg plays its own signal to
// the other, so what a leg reads and what it writes differ; RECORD_STEREO puts them on the
// left and right channels, RECORD_WRITE_ONLY records only what the leg writes. (Read only is
// the default; its variable matters with stereo.)
#include <gtest/gtest.h>
#include <sndfile.h>

#include <vector>

#include "switch/tests/media_apps_fixture.hpp"

namespace es::sw::testing {
namespace {

struct Channels {
  int count = 0;
  std::vector<std::vector<std::int16_t>> samples;
};

Channels read_channels(const std::string& path) {
  Channels out;
  SF_INFO info{};
  SNDFILE* file = sf_open(path.c_str(), SFM_READ, &info);
  EXPECT_NE(file, nullptr) << path << ": " << sf_strerror(nullptr);
  if (file == nullptr) return out;
  out.count = info.channels;
  out.samples.resize(static_cast<std::size_t>(info.channels));
  std::vector<std::int16_t> interleaved(static_cast<std::size_t>(info.frames * info.channels));
  sf_count_t got = sf_readf_short(file, interleaved.data(), info.frames);
  sf_close(file);
  for (sf_count_t i = 0; i < got; ++i) {
    for (int c = 0; c < info.channels; ++c)
      out.samples[static_cast<std::size_t>(c)].push_back(
          interleaved[static_cast<std::size_t>(i * info.channels + c)]);
  }
  return out;
}

class RecordStereoTest : public MediaAppsTest {
 protected:
  // a plays x.wav to b while b plays y.wav to a; `a` records with `vars` set.
  Channels record_a(const std::string& vars) {
    write_wav(file("x.wav"), x_);
    write_wav(file("y.wav"), y_);
    // b's file comes in a variable: a path's slashes would split the loopback dial string.
    std::string a = uuid_of(api(
        "originate", "{y_file=" + file("y.wav") +
                         "}loopback/m:^:answer^sleep:400^playback:${y_file}^park/default/inline "
                         "m:^:sleep:400^playback:" +
                         file("x.wav") + "^park inline"));
    std::string b = other_leg(a);
    for (std::size_t at = 0; at < vars.size();) {
      std::size_t end = vars.find(',', at);
      std::string pair = vars.substr(at, end == std::string::npos ? end : end - at);
      std::size_t eq = pair.find('=');
      EXPECT_EQ(api("uuid_setvar", a + " " + pair.substr(0, eq) + " " + pair.substr(eq + 1)),
                "+OK\n");
      at = end == std::string::npos ? vars.size() : end + 1;
    }
    EXPECT_EQ(api("uuid_record", a + " start " + file("a.wav")), "+OK Success\n");
    EXPECT_TRUE(recorder_->wait_for("PLAYBACK_STOP", a, std::chrono::seconds(10)));
    EXPECT_TRUE(recorder_->wait_for("PLAYBACK_STOP", b, std::chrono::seconds(10)));
    EXPECT_EQ(api("uuid_record", a + " stop " + file("a.wav")), "+OK Success\n");
    EXPECT_TRUE(recorder_->wait_for("RECORD_STOP", a));
    api("uuid_kill", a);
    return read_channels(file("a.wav"));
  }

  std::vector<std::int16_t> x_ = test_signal(8000);
  // A different stretch of the same generator: shares no run with x.
  std::vector<std::int16_t> y_ = [] {
    auto long_signal = test_signal(24000);
    return std::vector<std::int16_t>(long_signal.begin() + 16000, long_signal.end());
  }();
};

TEST_F(RecordStereoTest, StereoPutsTheReadLegLeftAndTheWriteLegRight) {
  Channels c = record_a("RECORD_STEREO=true");
  ASSERT_EQ(c.count, 2);
  // a reads what b plays (y) and writes x.
  EXPECT_GE(find_contiguous(c.samples[0], y_), 0);
  EXPECT_LT(find_contiguous(c.samples[0], std::vector<std::int16_t>(x_.begin(), x_.begin() + 800)),
            0);
  EXPECT_GE(find_contiguous(c.samples[1], x_), 0);
  EXPECT_LT(find_contiguous(c.samples[1], std::vector<std::int16_t>(y_.begin(), y_.begin() + 800)),
            0);
}

TEST_F(RecordStereoTest, StereoSwapExchangesTheSides) {
  Channels c = record_a("RECORD_STEREO_SWAP=true");
  ASSERT_EQ(c.count, 2);
  EXPECT_GE(find_contiguous(c.samples[0], x_), 0);
  EXPECT_GE(find_contiguous(c.samples[1], y_), 0);
}

TEST_F(RecordStereoTest, WriteOnlyRecordsWhatTheLegSends) {
  Channels c = record_a("RECORD_WRITE_ONLY=true");
  ASSERT_EQ(c.count, 1);
  EXPECT_GE(find_contiguous(c.samples[0], x_), 0);
  EXPECT_LT(find_contiguous(c.samples[0], std::vector<std::int16_t>(y_.begin(), y_.begin() + 800)),
            0);
}

TEST_F(RecordStereoTest, StereoWithReadOnlyLeavesTheRightChannelSilent) {
  Channels c = record_a("RECORD_STEREO=true,RECORD_READ_ONLY=true");
  ASSERT_EQ(c.count, 2);
  EXPECT_GE(find_contiguous(c.samples[0], y_), 0);
  for (std::int16_t v : c.samples[1]) ASSERT_EQ(v, 0);
}

}  // namespace
}  // namespace es::sw::testing
