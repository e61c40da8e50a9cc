#include "sip/rtp/rtp_media_driver.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <numbers>
#include <string>
#include <thread>
#include <vector>

#include "switch/session/media_handoff.hpp"
#include "switch/session/session.hpp"
#include "switch/tests/switch_fixture.hpp"

#include "sip/tests/test_tone.hpp"

namespace es::sip::rtp {
namespace {

using asio::ip::udp;
using namespace std::chrono_literals;

const auto kLoopback = asio::ip::make_address("127.0.0.1");
constexpr PortRange kRange{33000, 33998};

bool silent(const media::Frame& frame) {
  for (const auto s : frame.samples) {
    if (s != 0) return false;
  }
  return true;
}

class Collector final : public sw::FrameConsumer {
 public:
  void consume(const media::Frame& frame) override {
    const std::scoped_lock lock(mutex_);
    frames_.push_back(frame);
  }
  std::vector<media::Frame> frames() const {
    const std::scoped_lock lock(mutex_);
    return frames_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<media::Frame> frames_;
};

// A session whose far end is a plain RtpStream (the peer), routed by the inline dialplan to answer
// and park.
class RtpMediaDriverTest : public sw::testing::SwitchFixture {
 protected:
  void SetUp() override {
    std::string error;
    auto stream = RtpStream::open(io_, kLoopback, kRange, &error);
    peer_ = RtpStream::open(io_, kLoopback, kRange, &error);
    ASSERT_TRUE(stream && peer_) << error;
    stream->set_remote({udp::endpoint(kLoopback, peer_->local_port()), 8, 101});
    peer_->set_remote({udp::endpoint(kLoopback, stream->local_port()), 8, 101});
    peer_->on_digit([this](char digit, std::uint32_t) {
      const std::scoped_lock lock(mutex_);
      peer_digits_ += digit;
    });
    peer_->start();
    auto driver = std::make_unique<RtpMediaDriver>(io_, stream);
    driver_ = driver.get();
    sw::CallerProfile profile;
    profile.destination_number = "answer,park";
    profile.dialplan = "inline";
    session_ = switch_->create_session(sw::Direction::kInbound, std::move(driver), profile);
    ASSERT_TRUE(session_);
    session_->set_name("rtp-test");
    collector_ = std::make_shared<Collector>();
    session_->add_frame_consumer(collector_);
    driver_->start_media(session_);
    session_->set_state(sw::ChannelState::kInit);
    session_->start();
    ASSERT_TRUE(eventually([&] { return session_->answered(); }));
  }
  void TearDown() override {
    session_->hangup(16);
    peer_->close();
  }

  std::string peer_digits() const {
    const std::scoped_lock lock(mutex_);
    return peer_digits_;
  }

  std::shared_ptr<RtpStream> peer_;
  RtpMediaDriver* driver_ = nullptr;
  sw::SessionPtr session_;
  std::shared_ptr<Collector> collector_;
  mutable std::mutex mutex_;
  std::string peer_digits_;
};

TEST_F(RtpMediaDriverTest, ReceivedAudioReachesTheChannelsReadersInOrder) {
  // The clock ticks from the start: silence until audio arrives, so durations stay true.
  ASSERT_TRUE(eventually([&] { return collector_->frames().size() >= 3; }));
  for (const auto& frame : collector_->frames()) EXPECT_TRUE(silent(frame));
  for (int i = 0; i < 25; ++i) {
    peer_->write_frame(tone_frame(i));
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_TRUE(eventually([&] {
    int voiced = 0;
    for (const auto& frame : collector_->frames()) voiced += silent(frame) ? 0 : 1;
    return voiced >= 20;
  }));
  const auto frames = collector_->frames();
  std::size_t first = 0;
  while (silent(frames[first])) ++first;
  const auto want = tone_frame(0);
  for (int s = 0; s < media::kFrameSamples; ++s) {
    ASSERT_NEAR(frames[first].samples[s], want.samples[s], std::abs(want.samples[s]) / 30 + 9);
  }
}

TEST_F(RtpMediaDriverTest, ReceivedTelephoneEventsBecomeChannelDtmf) {
  // The parked channel takes each received digit and fires its DTMF event.
  EXPECT_TRUE(peer_->send_dtmf('7', 60));
  for (int i = 0; i < 5; ++i) peer_->write_frame(tone_frame(i));
  ASSERT_TRUE(recorder_->wait_for("DTMF", session_->uuid()));
  const auto events = recorder_->for_channel(session_->uuid());
  const auto dtmf = std::find_if(events.begin(), events.end(), [](const auto& e) {
    return sw::testing::header(e, "Event-Name") == "DTMF";
  });
  ASSERT_NE(dtmf, events.end());
  EXPECT_EQ(sw::testing::header(*dtmf, "DTMF-Digit"), "7");
  EXPECT_EQ(sw::testing::header(*dtmf, "DTMF-Duration"), "480");  // 60 ms in samples
  EXPECT_EQ(sw::testing::header(*dtmf, "DTMF-Source"), "RTP");
}

TEST_F(RtpMediaDriverTest, WhatTheChannelWritesAndSendsGoesOutAsRtp) {
  session_->send_dtmf({'#', 40, "APP"});
  for (int i = 0; i < 8; ++i) session_->write_frame(tone_frame(i));
  ASSERT_TRUE(eventually([&] { return peer_->stats().frames_in == 6; }));
  EXPECT_EQ(peer_digits(), "#");
  const auto got = peer_->read_frame();
  ASSERT_TRUE(got);
  EXPECT_NEAR(got->samples[40], tone_frame(2).samples[40], 300);  // two ticks went to the digit
}

TEST_F(RtpMediaDriverTest, HangupStopsTheClockAndClosesTheSocket) {
  session_->hangup(16);
  ASSERT_TRUE(eventually([&] { return !session_->up(); }));
  ASSERT_TRUE(eventually([&] {
    const auto before = collector_->frames().size();
    std::this_thread::sleep_for(60ms);
    return collector_->frames().size() == before;
  }));
  const auto packets = driver_->stream()->stats().packets_in;
  peer_->write_frame(tone_frame(0));
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(driver_->stream()->stats().packets_in, packets);
}

TEST_F(RtpMediaDriverTest, NoRtpForTheMediaTimeoutHangsUpMediaTimeoutOnceArmed) {
  driver_->set_media_timeout(300ms);
  // Not armed yet (no SDP answer sent, in the endpoint's terms): silence is no timeout.
  std::this_thread::sleep_for(450ms);
  EXPECT_TRUE(session_->up());
  driver_->arm_media_timeout();
  // Audio keeps it alive well beyond the timeout...
  for (int i = 0; i < 30; ++i) {
    peer_->write_frame(tone_frame(i));
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(session_->up());
  // ...but datagrams the stream drops (garbage) do not.
  const auto last_audio = std::chrono::steady_clock::now();
  udp::socket junk(io_, udp::endpoint(kLoopback, 0));
  const udp::endpoint target(kLoopback, driver_->stream()->local_port());
  for (int i = 0; i < 75 && session_->up(); ++i) {
    junk.send_to(asio::buffer(std::string_view("not rtp")), target);
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_TRUE(eventually([&] { return !session_->up(); }));
  const auto took = std::chrono::steady_clock::now() - last_audio;
  EXPECT_GE(took, 280ms);
  // While the junk still flowed (1.5 s of it).
  EXPECT_LT(took, 1200ms);
  EXPECT_EQ(session_->hangup_cause(), 804);  // MEDIA_TIMEOUT
}

TEST_F(RtpMediaDriverTest, ZeroMediaTimeoutNeverHangsUp) {
  driver_->set_media_timeout(0ms);
  driver_->arm_media_timeout();
  std::this_thread::sleep_for(400ms);
  EXPECT_TRUE(session_->up());
}

}  // namespace
}  // namespace es::sip::rtp
