// Outbound SIP calls: originate/bridge to sofia/<profile>/<user>@<host[:port]>. The leg's
// INVITE (with our G.711 offer) leaves when the session starts (on_init, after originate has
// set the dial string's variables); responses come back as SipEvent::kResponse on the switch's
// event loop: 180 rings, 183 with SDP is early media, 2xx answers, 3xx-6xx hang the leg up
// with the cause sip_cause.cpp maps the status to. The leg's own hangup is CANCEL before the
// answer and BYE after it (SofiaDriver::on_hangup).
#include "sip/sofia/sofia_outbound.hpp"

#include <atomic>
#include <chrono>
#include <random>

#include "core/log_bus.hpp"
#include "protocol/ascii.hpp"
#include "sip/sdp/sdp.hpp"
#include "sip/sip_cause.hpp"
#include "sip/sofia/sofia_driver.hpp"
#include "sip/sofia/sofia_profile.hpp"
#include "switch/session/hangup_cause.hpp"
#include "switch/session/session.hpp"
#include "switch/switch_core.hpp"

namespace es::sip::sofia {
namespace {

// An outbound leg: sends its INVITE when the session starts, and carries media only once the
// far end's SDP (183 or 200) said where to send it.
class SofiaOutboundDriver final : public SofiaDriver {
 public:
  SofiaOutboundDriver(asio::io_context& io, std::shared_ptr<rtp::RtpStream> stream,
                      std::shared_ptr<SofiaAgent> agent, std::uint64_t call, OutboundInvite invite)
      : SofiaDriver(io, std::move(stream), std::move(agent), call, {}, true),
        invite_(std::move(invite)) {}

  void on_init(sw::Session& session) override {
    if (is_far_end_gone() || sent_.exchange(true)) return;
    session.set_variable("sip_outgoing_call_sdp", invite_.sdp);
    if (!agent()->invite(call(), invite_)) {
      // The sofia thread's command queue is full: nothing was sent, nothing to cancel.
      far_end_gone();
      session.hangup(sw::cause::kSwitchCongestion);
    }
  }

  // Applies the far end's SDP once (the first 183 or 2xx that carries one); false when it has
  // no G.711 codec of ours.
  bool start_remote_media(sw::Session& session, const std::string& text,
                          const std::vector<std::string>& codec_prefs) {
    if (media_started_.load(std::memory_order_acquire)) return true;
    const auto answer = sdp::parse_audio(text);
    const auto chosen = answer ? sdp::negotiate(*answer, codec_prefs) : std::nullopt;
    if (!chosen) return false;
    asio::error_code ec;
    const auto remote_ip = asio::ip::make_address(answer->connection_ip, ec);
    if (ec) return false;
    if (media_started_.exchange(true, std::memory_order_acq_rel)) return true;
    rtp::RemoteMedia remote;
    remote.address = asio::ip::udp::endpoint(remote_ip, answer->port);
    remote.payload_type = static_cast<std::uint8_t>(chosen->payload_type);
    if (chosen->telephone_event_type)
      remote.telephone_event_type = static_cast<std::uint8_t>(*chosen->telephone_event_type);
    stream()->set_remote(remote);
    const std::pair<const char*, std::string> vars[] = {
        {"switch_r_sdp", text},
        {"remote_media_ip", answer->connection_ip},
        {"remote_media_port", std::to_string(answer->port)},
        {"read_codec", chosen->codec},
        {"write_codec", chosen->codec},
        {"read_rate", "8000"},
        {"write_rate", "8000"},
    };
    for (const auto& [name, value] : vars) session.set_variable(name, value);
    start_media(session.shared_from_this());
    arm_media_timeout();
    return true;
  }

  bool media_started() const { return media_started_.load(std::memory_order_acquire); }

  // Nothing goes out before the far end's SDP says where (FreeSWITCH sends no RTP then).
  void write_frame(sw::Session& session, const media::Frame& frame) override {
    if (media_started()) SofiaDriver::write_frame(session, frame);
  }
  void send_dtmf(sw::Session& session, const sw::Dtmf& dtmf) override {
    if (media_started()) SofiaDriver::send_dtmf(session, dtmf);
  }

 private:
  OutboundInvite invite_;
  std::atomic<bool> sent_{false};
  std::atomic<bool> media_started_{false};
};

// "1000@127.0.0.1:5080" -> user "1000", host "127.0.0.1", port "5080" (empty when absent).
struct Destination {
  std::string user, host, port;
};

Destination split_destination(std::string_view dest) {
  Destination out;
  const auto at = dest.find('@');
  out.user = std::string(dest.substr(0, at));
  std::string_view hostport = dest.substr(at + 1);
  hostport = hostport.substr(0, hostport.find(';'));  // URI parameters (transport=...)
  const auto colon = hostport.rfind(':');
  if (colon != std::string_view::npos && hostport.find(']', colon) == std::string_view::npos) {
    out.host = std::string(hostport.substr(0, colon));
    out.port = std::string(hostport.substr(colon + 1));
  } else {
    out.host = std::string(hostport);
  }
  return out;
}

}  // namespace

std::optional<std::string> SofiaProfile::registered_contact(const std::string& user,
                                                            const std::string& host) const {
  std::optional<Registration> reg;
  if (!host.empty()) {
    reg = registrar_.find(user, host);
  } else {
    // mod_sofia looks the bare user up under the profile's domain-name, which eventswitch does
    // not read: the first registration of that user on the profile stands for it.
    for (auto& candidate : registrar_.list()) {
      if (protocol::iequals(candidate.user, user)) {
        reg = std::move(candidate);
        break;
      }
    }
  }
  if (!reg) return std::nullopt;
  return contact_uri(reg->contact);
}

void SofiaEndpoint::add_profile(const std::shared_ptr<SofiaProfile>& profile) {
  const std::scoped_lock lock(mutex_);
  profiles_[profile->config().name] = profile;
}

sw::OutgoingResult SofiaEndpoint::create_outgoing(sw::SwitchCore& core,
                                                  const sw::OutgoingRequest& request) {
  auto& log = core.runtime().log();
  const std::string_view data = request.data;
  const auto slash = data.find('/');
  if (slash == std::string_view::npos || slash + 1 == data.size()) {
    ES_LOG(log, core::LogLevel::kErr, "sofia/{}: Invalid URL", data);
    return {nullptr, sw::cause_by_name("INVALID_URL")};
  }
  const std::string_view profile_name = data.substr(0, slash);
  if (profile_name == "gateway") {
    ES_LOG(log, core::LogLevel::kErr, "sofia/{}: Invalid Gateway (no gateways are configured)",
           data);
    return {nullptr, sw::cause::kInvalidGateway};
  }
  std::shared_ptr<SofiaProfile> profile;
  {
    const std::scoped_lock lock(mutex_);
    if (const auto it = profiles_.find(profile_name); it != profiles_.end())
      profile = it->second.lock();
  }
  if (!profile) {
    ES_LOG(log, core::LogLevel::kErr, "sofia/{}: Invalid Profile", data);
    return {nullptr, sw::cause_by_name("INVALID_PROFILE")};
  }
  return profile->create_outbound(request, data.substr(slash + 1));
}

sw::OutgoingResult SofiaProfile::create_outbound(const sw::OutgoingRequest& request,
                                                 std::string_view dest) {
  auto& log = core_.runtime().log();
  if (dest.starts_with("sip:")) dest.remove_prefix(4);
  std::string contact_dest;  // a registered user's contact, when dest names one
  if (dest.find('@') == std::string_view::npos) {
    // A registered user: <user>%<host>, or a bare <user> (docs/sip.md, "Calls to registered
    // users"). The INVITE goes to the registration's contact.
    const auto percent = dest.find('%');
    const std::string user(dest.substr(0, percent));
    const std::string host =
        percent == std::string_view::npos ? std::string() : std::string(dest.substr(percent + 1));
    const auto reg = registered_contact(user, host);
    if (!reg) {
      ES_LOG(log, core::LogLevel::kWarning, "sofia/{}/{}: Cannot locate registered user {}@{}",
             config_.name, dest, user, host.empty() ? config_.name : host);
      return {nullptr, sw::cause_by_name("USER_NOT_REGISTERED")};
    }
    contact_dest = *reg;
  }
  const std::string_view given = dest;
  if (!contact_dest.empty()) dest = contact_dest;
  const Destination target = split_destination(dest);
  if (target.host.empty()) {
    ES_LOG(log, core::LogLevel::kErr, "sofia/{}/{}: Invalid URL", config_.name, dest);
    return {nullptr, sw::cause_by_name("INVALID_URL")};
  }
  asio::error_code ec;
  const auto local_ip = asio::ip::make_address(config_.rtp_ip, ec);
  if (ec) return {nullptr, sw::cause::kDestinationOutOfOrder};
  std::string error;
  auto stream = rtp::RtpStream::open(core_.io(), local_ip, config_.rtp_ports, &error);
  if (!stream) {
    ES_LOG(log, core::LogLevel::kErr, "sofia/{}: {}", config_.name, error);
    return {nullptr, sw::cause::kNormalTemporaryFailure};
  }
  thread_local std::mt19937_64 random{std::random_device{}()};
  const std::string sip_host_port = config_.sip_ip + ":" + std::to_string(config_.sip_port);
  const sw::CallerProfile& caller = request.profile;
  OutboundInvite invite;
  invite.request_uri = "sip:" + std::string(dest);
  invite.to = "<sip:" + std::string(dest) + ">";
  invite.from =
      (caller.caller_id_name.empty() ? std::string{} : "\"" + caller.caller_id_name + "\" ") +
      "<sip:" + caller.caller_id_number + "@" + sip_host_port + ">";
  invite.sdp =
      sdp::build_offer(config_.rtp_ip, stream->local_port(), config_.codec_prefs, random() >> 1, 1);
  const std::uint64_t call = agent_->new_call();
  auto driver = std::make_unique<SofiaOutboundDriver>(core_.io(), stream, agent_, call, invite);
  // rtp-timeout-sec applies to our calls as to inbound ones; armed once the far end's SDP
  // starts media (start_media below).
  driver->set_media_timeout(std::chrono::seconds(config_.rtp_timeout_sec));

  sw::CallerProfile profile = request.profile;
  profile.source = "mod_sofia";
  int cause = 0;
  auto session = core_.create_session(sw::Direction::kOutbound, std::move(driver),
                                      std::move(profile), request.uuid, &cause);
  if (!session) {
    stream->close();
    return {nullptr, cause};
  }
  session->set_name("sofia/" + config_.name + "/" + std::string(given));
  const std::pair<const char*, std::string> vars[] = {
      {"sofia_profile_name", config_.name},
      {"sip_profile_name", config_.name},
      {"sip_local_network_addr", config_.sip_ip},
      {"sip_destination_url", invite.request_uri},
      {"sip_req_uri", std::string(dest)},
      {"sip_req_user", target.user},
      {"sip_req_host", target.host},
      {"sip_req_port", target.port},
      {"sip_to_user", target.user},
      {"sip_to_host", target.host},
      {"sip_to_port", target.port},
      {"sip_from_user", caller.caller_id_number},
      {"sip_from_host", config_.sip_ip},
      {"local_media_ip", config_.rtp_ip},
      {"local_media_port", std::to_string(stream->local_port())},
  };
  for (const auto& [name, value] : vars) {
    if (!value.empty()) session->set_variable(name, value);
  }
  {
    const std::scoped_lock lock(mutex_);
    // A leg whose INVITE never left (originate dropped it unstarted, a full command queue)
    // gets no kTerminated to remove it; such stale entries are swept when the table is full.
    if (calls_.size() >= SofiaAgent::kMaxCalls)
      std::erase_if(calls_, [](const auto& entry) { return entry.second.expired(); });
    calls_[call] = session;
  }
  session->set_state(sw::ChannelState::kInit);
  return {session, 0};
}

void SofiaProfile::on_response(const SipEvent& ev) {
  std::shared_ptr<sw::Session> session;
  {
    const std::scoped_lock lock(mutex_);
    const auto it = calls_.find(ev.call);
    if (it != calls_.end()) session = it->second.lock();
  }
  if (!session || !session->up()) {
    // A 2xx crossing our CANCEL (nua has sent the ACK): the call exists, end it.
    if (ev.status >= 200 && ev.status < 300) agent_->bye(ev.call);
    return;
  }
  auto* driver = dynamic_cast<SofiaOutboundDriver*>(&session->driver());
  if (driver == nullptr) return;
  if (!ev.call_id.empty() && !session->variable("sip_call_id"))
    session->set_variable("sip_call_id", ev.call_id);
  if (ev.status >= 300) {
    const std::string status = std::to_string(ev.status);
    session->set_variable("sip_term_status", status);
    session->set_variable("sip_invite_failure_status", status);
    session->set_variable("sip_hangup_disposition", "recv_refuse");
    driver->far_end_gone();
    session->hangup(sip_status_to_cause(ev.status));
    return;
  }
  const bool media =
      !ev.sdp.empty() && driver->start_remote_media(*session, ev.sdp, config_.codec_prefs);
  if (ev.status < 200) {
    if (media) {
      session->mark_pre_answered();
    } else {
      session->mark_ring_ready();
    }
    return;
  }
  // 2xx: nua has acknowledged it; from now on our hangup is a BYE.
  driver->far_end_answered();
  if (!driver->media_started()) {
    ES_LOG(core_.runtime().log(), core::LogLevel::kErr,
           "{}: the answer has no SDP with a codec we offered", session->name());
    session->hangup(sw::cause_by_name("INCOMPATIBLE_DESTINATION"));
    return;
  }
  session->mark_answered();
}

}  // namespace es::sip::sofia
