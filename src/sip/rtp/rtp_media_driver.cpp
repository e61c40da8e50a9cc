#include "sip/rtp/rtp_media_driver.hpp"

#include "core/log_bus.hpp"
#include "switch/session/hangup_cause.hpp"
#include "switch/session/session.hpp"
#include "switch/switch_core.hpp"

namespace es::sip::rtp {
namespace {

constexpr std::chrono::milliseconds kFramePeriod{20};

}  // namespace

RtpMediaDriver::RtpMediaDriver(asio::io_context& io, std::shared_ptr<RtpStream> stream)
    : stream_(std::move(stream)), clock_(std::make_shared<Clock>(io)) {
  clock_->stream = stream_;
}

RtpMediaDriver::~RtpMediaDriver() {
  stop();
}

void RtpMediaDriver::start_media(const std::shared_ptr<sw::Session>& session) {
  {
    const std::scoped_lock lock(clock_->mutex);
    if (clock_->stopped) return;
    clock_->session = session;
  }
  const std::weak_ptr<sw::Session> weak = session;
  stream_->on_digit([weak](char digit, std::uint32_t duration_ms) {
    if (const auto s = weak.lock()) {
      s->receive_dtmf({digit, static_cast<int>(duration_ms), "RTP"});
    }
  });
  stream_->start();
  schedule(clock_, std::chrono::steady_clock::now() + kFramePeriod);
}

void RtpMediaDriver::set_media_timeout(std::chrono::milliseconds timeout) {
  const std::scoped_lock lock(clock_->mutex);
  clock_->media_timeout = timeout;
}

void RtpMediaDriver::arm_media_timeout() {
  const std::scoped_lock lock(clock_->mutex);
  if (clock_->timeout_armed) return;
  clock_->timeout_armed = true;
  clock_->last_activity = std::chrono::steady_clock::now();
}

bool RtpMediaDriver::media_timed_out(Clock& clock, std::chrono::steady_clock::time_point now) {
  const std::scoped_lock lock(clock.mutex);
  if (!clock.timeout_armed || clock.media_timeout.count() <= 0) return false;
  // Only packets the stream accepted count: garbage or a foreign source keeps no call alive.
  const auto stats = clock.stream->stats();
  const auto seen = stats.frames_in + stats.dtmf_in;
  if (seen != clock.packets_seen) {
    clock.packets_seen = seen;
    clock.last_activity = now;
    return false;
  }
  return now - clock.last_activity >= clock.media_timeout;
}

void RtpMediaDriver::schedule(const std::shared_ptr<Clock>& clock,
                              std::chrono::steady_clock::time_point when) {
  const std::scoped_lock lock(clock->mutex);
  if (clock->stopped) return;
  clock->timer.expires_at(when);
  clock->timer.async_wait([clock, when](asio::error_code ec) {
    if (ec) return;
    std::shared_ptr<sw::Session> session;
    {
      const std::scoped_lock lock(clock->mutex);
      if (clock->stopped) return;
      session = clock->session.lock();
    }
    if (!session) return;
    if (media_timed_out(*clock, std::chrono::steady_clock::now())) {
      ES_LOG(session->core().runtime().log(), core::LogLevel::kWarning,
             "{}: no RTP for {} ms, hanging up MEDIA_TIMEOUT", session->name(),
             clock->media_timeout.count());
      session->hangup(sw::cause::kMediaTimeout);
      return;
    }
    // Outside the clock's lock: receive_frame runs recorders and bridge partners.
    session->receive_frame(clock->stream->read_frame().value_or(media::Frame{}));
    // Ticks keep to a fixed grid rather than drifting by each handler's lateness; after a
    // long stall the grid restarts from now instead of firing a burst of late ticks.
    auto next = when + kFramePeriod;
    const auto now = std::chrono::steady_clock::now();
    if (next + 5 * kFramePeriod < now) next = now + kFramePeriod;
    schedule(clock, next);
  });
}

void RtpMediaDriver::stop() {
  {
    const std::scoped_lock lock(clock_->mutex);
    if (clock_->stopped) return;
    clock_->stopped = true;
    clock_->timer.cancel();
  }
  stream_->on_digit({});
  stream_->close();
}

void RtpMediaDriver::send_dtmf(sw::Session&, const sw::Dtmf& dtmf) {
  stream_->send_dtmf(dtmf.digit, static_cast<std::uint32_t>(dtmf.duration_ms));
}

void RtpMediaDriver::write_frame(sw::Session&, const media::Frame& frame) {
  stream_->write_frame(frame);
}

}  // namespace es::sip::rtp
