#include "sip/sofia/sofia_driver.hpp"

#include "sip/sip_cause.hpp"
#include "switch/session/session.hpp"

namespace es::sip::sofia {

SofiaDriver::SofiaDriver(asio::io_context& io, std::shared_ptr<rtp::RtpStream> stream,
                         std::shared_ptr<SofiaAgent> agent, std::uint64_t call,
                         std::string local_sdp, bool outbound)
    : RtpMediaDriver(io, std::move(stream)),
      agent_(std::move(agent)),
      call_(call),
      local_sdp_(std::move(local_sdp)),
      outbound_(outbound) {}

bool SofiaDriver::on_ring_ready(sw::Session&) {
  agent_->respond(call_, 180);
  return true;
}

bool SofiaDriver::on_pre_answer(sw::Session&) {
  agent_->respond(call_, 183, local_sdp_);
  arm_media_timeout();
  return true;
}

bool SofiaDriver::on_answer(sw::Session&) {
  answered_.store(true, std::memory_order_release);
  agent_->respond(call_, 200, local_sdp_);
  arm_media_timeout();
  return true;
}

void SofiaDriver::on_hangup(sw::Session& session) {
  RtpMediaDriver::on_hangup(session);
  if (far_end_gone_.exchange(true, std::memory_order_acq_rel)) return;
  if (answered_.load(std::memory_order_acquire)) {
    session.set_variable("sip_hangup_disposition", "send_bye");
    agent_->bye(call_);
  } else if (outbound_) {
    session.set_variable("sip_hangup_disposition", "send_cancel");
    session.set_variable("sip_invite_failure_status", "487");
    agent_->cancel(call_);
  } else {
    session.set_variable("sip_hangup_disposition", "send_refuse");
    agent_->respond(call_, cause_to_sip_status(session.hangup_cause()));
  }
}

}  // namespace es::sip::sofia
