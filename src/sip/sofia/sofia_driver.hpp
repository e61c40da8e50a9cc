#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "sip/rtp/rtp_media_driver.hpp"
#include "sip/sofia/sofia_agent.hpp"

namespace es::sip::sofia {

// The endpoint side of one inbound SIP leg: ring_ready, pre_answer and answer become 180, 183
// with our SDP and 200 with our SDP; a local hangup becomes BYE after the answer, or the
// final response FreeSWITCH's mapping gives the hangup cause before it. Media is the
// RtpMediaDriver's.
class SofiaDriver final : public rtp::RtpMediaDriver {
 public:
  SofiaDriver(asio::io_context& io, std::shared_ptr<rtp::RtpStream> stream,
              std::shared_ptr<SofiaAgent> agent, std::uint64_t call, std::string local_sdp);

  bool on_ring_ready(sw::Session&) override;
  bool on_pre_answer(sw::Session&) override;
  bool on_answer(sw::Session&) override;
  void on_hangup(sw::Session& session) override;

  // The far end ended the call (BYE, CANCEL, transaction gone): nothing more to send.
  void far_end_gone() { far_end_gone_.store(true, std::memory_order_release); }

 private:
  std::shared_ptr<SofiaAgent> agent_;
  std::uint64_t call_;
  std::string local_sdp_;
  std::atomic<bool> answered_{false};
  std::atomic<bool> far_end_gone_{false};
};

}  // namespace es::sip::sofia
