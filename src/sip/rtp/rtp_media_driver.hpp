#pragma once

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <atomic>
#include <memory>
#include <mutex>

#include "sip/rtp/rtp_stream.hpp"
#include "switch/session/channel_driver.hpp"

namespace es::sip::rtp {

// Carries a session's media over an RtpStream: what the switch writes (playback, echo, a
// bridge partner, send_dtmf) goes out as RTP, and a 20 ms media clock delivers what arrived
// as the frames the channel reads (recorders, digit collectors, bridges). A tick with nothing
// in the jitter buffer delivers silence, so a recording keeps the call's real duration.
// Received RFC 4733 digits become the channel's received DTMF (DTMF-Source: RTP).
//
// The SIP endpoint owns one per call leg; start_media() once the far end's media is known,
// stop() (also run at hangup) ends the clock and closes the socket.
class RtpMediaDriver : public sw::ChannelDriver {
 public:
  RtpMediaDriver(asio::io_context& io, std::shared_ptr<RtpStream> stream);
  ~RtpMediaDriver() override;
  RtpMediaDriver(const RtpMediaDriver&) = delete;
  RtpMediaDriver& operator=(const RtpMediaDriver&) = delete;

  void start_media(const std::shared_ptr<sw::Session>& session);
  void stop();
  const std::shared_ptr<RtpStream>& stream() const { return stream_; }
  // rtp-timeout-sec: once armed (our SDP answer went out), a tick that finds no accepted RTP
  // packet for `timeout` hangs the session up MEDIA_TIMEOUT. Zero (the default): never.
  void set_media_timeout(std::chrono::milliseconds timeout);
  void arm_media_timeout();

  void on_hangup(sw::Session&) override { stop(); }
  void send_dtmf(sw::Session&, const sw::Dtmf& dtmf) override;
  void write_frame(sw::Session&, const media::Frame& frame) override;

 private:
  // Shared with the timer's handler so that a tick in flight never outlives what it uses.
  struct Clock {
    explicit Clock(asio::io_context& io) : timer(io) {}
    std::mutex mutex;
    asio::steady_timer timer;
    bool stopped = false;
    std::weak_ptr<sw::Session> session;
    std::shared_ptr<RtpStream> stream;
    std::chrono::milliseconds media_timeout{0};
    bool timeout_armed = false;
    std::uint64_t packets_seen = 0;  // frames_in + dtmf_in at the last activity
    std::chrono::steady_clock::time_point last_activity;
  };
  // True when the clock's media timeout has passed (updates the activity it tracks).
  static bool media_timed_out(Clock& clock, std::chrono::steady_clock::time_point now);
  static void schedule(const std::shared_ptr<Clock>& clock,
                       std::chrono::steady_clock::time_point when);

  std::shared_ptr<RtpStream> stream_;
  std::shared_ptr<Clock> clock_;
};

}  // namespace es::sip::rtp
