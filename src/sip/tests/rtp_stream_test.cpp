#include "sip/rtp/rtp_stream.hpp"

#include <gtest/gtest.h>

#include <asio/buffer.hpp>
#include <chrono>
#include <cmath>
#include <functional>
#include <numbers>
#include <string>

#include "sip/tests/test_tone.hpp"

namespace es::sip::rtp {
namespace {

using asio::ip::udp;
using namespace std::chrono_literals;

const auto kLoopback = asio::ip::make_address("127.0.0.1");
// A range away from the usual ephemeral ports; streams skip ports other processes hold.
constexpr PortRange kRange{31000, 31998};

struct Pair {
  asio::io_context io;
  std::shared_ptr<RtpStream> a;
  std::shared_ptr<RtpStream> b;

  explicit Pair(std::uint8_t payload_type) {
    std::string error;
    a = RtpStream::open(io, kLoopback, kRange, &error);
    b = RtpStream::open(io, kLoopback, kRange, &error);
    if (!a || !b) throw std::runtime_error(error);
    a->set_remote({udp::endpoint(kLoopback, b->local_port()), payload_type, 101});
    b->set_remote({udp::endpoint(kLoopback, a->local_port()), payload_type, 101});
    a->start();
    b->start();
  }
  ~Pair() {
    a->close();
    b->close();
    io.run_for(50ms);
  }
  // Runs the loop until `done` holds (a loaded machine may take a while to deliver loopback
  // datagrams), then a little longer so that any unexpected extra packet is counted too.
  bool settle(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      io.run_for(2ms);
    }
    io.run_for(20ms);
    return true;
  }
};

udp::socket raw_socket(asio::io_context& io) {
  udp::socket s(io, udp::endpoint(kLoopback, 0));
  return s;
}

void send_raw(udp::socket& s, std::uint16_t port, const std::vector<std::uint8_t>& bytes) {
  s.send_to(asio::buffer(bytes), udp::endpoint(kLoopback, port));
}

TEST(RtpStream, PortsAreEvenAndFromTheRange) {
  Pair pair(0);
  for (const auto& s : {pair.a, pair.b}) {
    EXPECT_EQ(s->local_port() % 2, 0);
    EXPECT_GE(s->local_port(), kRange.first);
    EXPECT_LE(s->local_port(), kRange.last);
  }
  EXPECT_NE(pair.a->local_port(), pair.b->local_port());
  std::string error;
  EXPECT_FALSE(RtpStream::open(pair.io, kLoopback, PortRange{31001, 31001}, &error));
  EXPECT_FALSE(error.empty());
}

void carries_audio(std::uint8_t payload_type) {
  Pair pair(payload_type);
  constexpr int kFrames = 10;
  for (int i = 0; i < kFrames; ++i) pair.a->write_frame(tone_frame(i));
  EXPECT_TRUE(pair.settle([&] { return pair.b->stats().packets_in == std::uint64_t{kFrames}; }));
  EXPECT_EQ(pair.a->stats().packets_out, static_cast<std::uint64_t>(kFrames));
  EXPECT_EQ(pair.b->stats().frames_in, static_cast<std::uint64_t>(kFrames));
  for (int i = 0; i < kFrames; ++i) {
    const auto got = pair.b->read_frame();
    ASSERT_TRUE(got) << "frame " << i;
    const auto want = tone_frame(i);
    for (int s = 0; s < media::kFrameSamples; ++s) {
      ASSERT_NEAR(got->samples[s], want.samples[s], std::abs(want.samples[s]) / 30 + 9)
          << "frame " << i << " sample " << s;
    }
  }
}

TEST(RtpStream, CarriesPcmuAudio) {
  carries_audio(0);
}
TEST(RtpStream, CarriesPcmaAudio) {
  carries_audio(8);
}

TEST(RtpStream, DropsAndCountsHostilePackets) {
  Pair pair(0);
  auto stranger = raw_socket(pair.io);
  const auto port = pair.b->local_port();
  send_raw(stranger, port, {1, 2, 3});  // too short
  std::vector<std::uint8_t> huge(3000, 0x80);
  send_raw(stranger, port, huge);  // oversized
  std::vector<std::uint8_t> packet;
  const std::vector<std::uint8_t> audio(160, 0xFF);
  build_rtp({.payload_type = 96, .marker = false, .sequence = 1, .timestamp = 0, .ssrc = 1}, audio,
            packet);
  send_raw(stranger, port, packet);  // unknown payload type
  const std::vector<std::uint8_t> long_audio(481, 0xFF);
  build_rtp({.payload_type = 0, .marker = false, .sequence = 1, .timestamp = 0, .ssrc = 1},
            long_audio, packet);
  send_raw(stranger, port, packet);  // over 60 ms of audio: latches the stranger, then dropped
  EXPECT_TRUE(pair.settle([&] { return pair.b->stats().packets_in == 4U; }));
  auto stats = pair.b->stats();
  EXPECT_EQ(stats.dropped_malformed, 2U);
  EXPECT_EQ(stats.dropped_payload_type, 1U);
  EXPECT_EQ(stats.dropped_frame_size, 1U);
  // Latched to the stranger (symmetric RTP: whoever sends first): a sends from elsewhere now.
  pair.a->write_frame(tone_frame(0));
  EXPECT_TRUE(pair.settle([&] { return pair.b->stats().packets_in == 5U; }));
  stats = pair.b->stats();
  EXPECT_EQ(stats.dropped_foreign_source, 1U);
  EXPECT_EQ(stats.frames_in, 0U);
}

TEST(RtpStream, CutsThirtyMillisecondPacketsIntoTwentyMillisecondFrames) {
  // SIPp's g711a.pcap sends 30 ms packets: two of them make three frames.
  Pair pair(8);
  auto peer = raw_socket(pair.io);
  pair.b->set_remote({udp::endpoint(kLoopback, peer.local_endpoint().port()), 8, 101});
  std::vector<std::int16_t> tone;
  for (int i = 0; i < 3; ++i) {
    const auto frame = tone_frame(i);
    tone.insert(tone.end(), frame.samples.begin(), frame.samples.end());
  }
  std::vector<std::uint8_t> packet;
  for (int p = 0; p < 2; ++p) {
    std::array<std::uint8_t, 240> coded{};
    encode(G711Law::kALaw, std::span(tone).subspan(240 * p, 240), coded);
    build_rtp({.payload_type = 8,
               .marker = p == 0,
               .sequence = static_cast<std::uint16_t>(p),
               .timestamp = 5000U + 240U * p,
               .ssrc = 3},
              coded, packet);
    send_raw(peer, pair.b->local_port(), packet);
  }
  EXPECT_TRUE(pair.settle([&] { return pair.b->stats().packets_in == 2U; }));
  EXPECT_EQ(pair.b->stats().frames_in, 3U);
  for (int i = 0; i < 3; ++i) {
    const auto got = pair.b->read_frame();
    ASSERT_TRUE(got) << i;
    const auto want = tone_frame(i);
    for (int s = 0; s < media::kFrameSamples; ++s)
      ASSERT_NEAR(got->samples[s], want.samples[s], std::abs(want.samples[s]) / 30 + 9) << i;
  }
}

TEST(RtpStream, TelephoneEventsBecomeDigits) {
  Pair pair(0);
  std::string digits;
  pair.b->on_digit([&](char digit, std::uint32_t) { digits += digit; });
  auto peer = raw_socket(pair.io);
  std::vector<std::uint8_t> packet;
  std::uint16_t sequence = 7;
  for (const char digit : std::string("19#")) {
    const std::uint32_t timestamp = 1000U * sequence;
    for (int i = 1; i <= 5; ++i) {
      std::array<std::uint8_t, 4> payload{};
      write_telephone_event(
          {*dtmf_event_code(digit), i >= 3, 10, static_cast<std::uint16_t>(160 * i)}, payload);
      build_rtp({.payload_type = 101,
                 .marker = i == 1,
                 .sequence = sequence++,
                 .timestamp = timestamp,
                 .ssrc = 9},
                payload, packet);
      send_raw(peer, pair.b->local_port(), packet);
    }
  }
  EXPECT_TRUE(pair.settle([&] { return pair.b->stats().packets_in == 15U; }));
  EXPECT_EQ(digits, "19#");
  EXPECT_EQ(pair.b->stats().dtmf_in, 3U);
}

TEST(RtpStream, SendsQueuedDigitsAsTelephoneEventsThenAudio) {
  Pair pair(0);
  std::string digits;
  std::vector<std::uint32_t> durations;
  pair.b->on_digit([&](char digit, std::uint32_t ms) {
    digits += digit;
    durations.push_back(ms);
  });
  EXPECT_TRUE(pair.a->send_dtmf('5', 100));
  EXPECT_TRUE(pair.a->send_dtmf('d', 40));
  EXPECT_FALSE(pair.a->send_dtmf('x', 100));
  // 100 ms and 40 ms of digits take 5 + 2 ticks of the frame clock, then audio follows.
  for (int i = 0; i < 10; ++i) pair.a->write_frame(tone_frame(i));
  EXPECT_TRUE(pair.settle([&] { return pair.b->stats().packets_in == 4U + 3U + 1U + 3U + 3U; }));
  EXPECT_EQ(digits, "5D");
  EXPECT_EQ(durations, (std::vector<std::uint32_t>{100, 40}));
  const auto a = pair.a->stats();
  EXPECT_EQ(a.dtmf_out, 2U);
  EXPECT_EQ(a.packets_out, 4U + 3U + 1U + 3U + 3U);  // progress + ends of each, then audio
  EXPECT_EQ(pair.b->stats().frames_in, 3U);
  EXPECT_EQ(pair.b->stats().dtmf_in, 2U);
}

TEST(RtpStream, RefusesDigitsWithoutTelephoneEvent) {
  asio::io_context io;
  std::string error;
  auto s = RtpStream::open(io, kLoopback, kRange, &error);
  ASSERT_TRUE(s) << error;
  s->set_remote({udp::endpoint(kLoopback, 9), 0, std::nullopt});
  EXPECT_FALSE(s->send_dtmf('1', 100));
  s->close();
}

}  // namespace
}  // namespace es::sip::rtp
