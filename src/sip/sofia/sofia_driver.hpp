#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "sip/rtp/rtp_media_driver.hpp"
#include "sip/sofia/sofia_agent.hpp"

namespace es::sip::sofia {

// The endpoint side of one SIP leg. Inbound: ring_ready, pre_answer and answer become 180, 183
// with our SDP and 200 with our SDP; a local hangup becomes BYE after the answer, or the
// final response FreeSWITCH's mapping gives the hangup cause before it. Outbound (our INVITE,
// sofia_outbound.cpp): a local hangup becomes BYE after the far end's answer, CANCEL before.
// Both set sip_hangup_disposition as FreeSWITCH. Media is the RtpMediaDriver's.
class SofiaDriver : public rtp::RtpMediaDriver {
 public:
  SofiaDriver(asio::io_context& io, std::shared_ptr<rtp::RtpStream> stream,
              std::shared_ptr<SofiaAgent> agent, std::uint64_t call, std::string local_sdp,
              bool outbound = false);

  bool on_ring_ready(sw::Session&) override;
  bool on_pre_answer(sw::Session&) override;
  bool on_answer(sw::Session&) override;
  void on_hangup(sw::Session& session) override;

  // The far end ended the call (BYE, CANCEL, transaction gone): nothing more to send.
  void far_end_gone() { far_end_gone_.store(true, std::memory_order_release); }
  bool is_far_end_gone() const { return far_end_gone_.load(std::memory_order_acquire); }
  // Outbound: the far end answered (200 OK); our hangup now sends BYE.
  void far_end_answered() { answered_.store(true, std::memory_order_release); }

 protected:
  const std::shared_ptr<SofiaAgent>& agent() const { return agent_; }
  std::uint64_t call() const { return call_; }

 private:
  std::shared_ptr<SofiaAgent> agent_;
  std::uint64_t call_;
  std::string local_sdp_;
  bool outbound_;
  std::atomic<bool> answered_{false};
  std::atomic<bool> far_end_gone_{false};
};

}  // namespace es::sip::sofia
