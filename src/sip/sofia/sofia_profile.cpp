#include "sip/sofia/sofia_profile.hpp"

#include <asio/post.hpp>
#include <random>

#include "core/log_bus.hpp"
#include "sip/sdp/sdp.hpp"
#include "sip/sip_cause.hpp"
#include "sip/sofia/sofia_driver.hpp"
#include "switch/session/hangup_cause.hpp"
#include "switch/session/session.hpp"

namespace es::sip::sofia {

SofiaProfile::SofiaProfile(sw::SwitchCore& core, ProfileConfig config)
    : core_(core),
      config_(std::move(config)),
      agent_(std::make_shared<SofiaAgent>()),
      auth_(config_),
      reports_(asio::make_strand(core.io())) {}

SofiaProfile::~SofiaProfile() {
  stop();
}

bool SofiaProfile::start(std::string* error) {
  std::weak_ptr<SofiaProfile> weak = weak_from_this();
  auto reports = reports_;
  // Called on the sofia thread: only posts to the switch's loop, where the profile may be gone.
  // In order: with two loop threads a dialog's end could otherwise overtake its 486 or BYE.
  schedule_expiry_sweep();
  return agent_->start(
      config_.sip_ip, config_.sip_port,
      [weak, reports](SipEvent event) {
        asio::post(reports, [weak, event = std::move(event)] {
          if (const auto self = weak.lock()) self->handle(event);
        });
      },
      error);
}

void SofiaProfile::stop() {
  {
    const std::scoped_lock lock(sweep_mutex_);
    stopped_ = true;
    if (sweep_timer_ != 0) core_.timers().cancel(sweep_timer_);
    sweep_timer_ = 0;
  }
  agent_->stop();
}

std::size_t SofiaProfile::live_calls() const {
  const std::scoped_lock lock(mutex_);
  return calls_.size();
}

void SofiaProfile::handle(const SipEvent& event) {
  switch (event.kind) {
    case SipEvent::Kind::kInvite:
      on_invite(event);
      return;
    case SipEvent::Kind::kBye:
      on_far_end_gone(event.call, sw::cause::kNormalClearing, "recv_bye");
      return;
    case SipEvent::Kind::kResponse:
      on_response(event);
      return;
    case SipEvent::Kind::kRegister:
      on_register(event);
      return;
    case SipEvent::Kind::kCancel:
      on_far_end_gone(event.call, sw::cause::kOriginatorCancel);
      return;
    case SipEvent::Kind::kTerminated: {
      on_far_end_gone(event.call, sw::cause::kNormalClearing);
      const std::scoped_lock lock(mutex_);
      calls_.erase(event.call);
      return;
    }
  }
}

void SofiaProfile::on_far_end_gone(std::uint64_t call, int cause, std::string_view disposition) {
  std::shared_ptr<sw::Session> session;
  {
    const std::scoped_lock lock(mutex_);
    const auto it = calls_.find(call);
    if (it != calls_.end()) session = it->second.lock();
  }
  if (!session) return;
  if (!disposition.empty() && session->up())
    session->set_variable("sip_hangup_disposition", disposition);
  if (auto* driver = dynamic_cast<SofiaDriver*>(&session->driver())) driver->far_end_gone();
  session->hangup(cause);
}

std::int64_t SofiaProfile::now_seconds() const {
  return core_.runtime().clock().now_epoch_us() / 1'000'000;
}

bool SofiaProfile::authenticate_invite(const SipEvent& ev,
                                       std::vector<std::pair<std::string, std::string>>& vars) {
  // mod_sofia checks credentials an INVITE carries even without auth-calls, unless
  // accept-blind-auth; with both auth-calls and accept-blind-auth every INVITE is let in.
  const bool blind = config_.accept_blind_auth;
  if (config_.auth_calls ? blind : (blind || ev.auth_params.empty())) {
    if (config_.auth_calls) vars.emplace_back("sip_authorized", "true");
    return true;
  }
  AuthRequest request{"INVITE", ev.from_user, ev.from_host, ev.to_user, ev.to_host, ev.auth_params};
  const auto xml = core_.xml ? core_.xml() : nullptr;
  AuthOutcome outcome = auth_.authenticate(request, xml.get(), now_seconds());
  if (outcome.status == 0) {
    vars.emplace_back("sip_authorized", "true");
    for (auto& var : outcome.variables) vars.push_back(std::move(var));
    return true;
  }
  if (outcome.status == 403) {
    failed_calls_in_.fetch_add(1, std::memory_order_relaxed);
    ES_LOG(core_.runtime().log(), core::LogLevel::kWarning,
           "SIP auth failure (INVITE) on sofia profile '{}' for [{}@{}] from ip {}", config_.name,
           ev.to_user, ev.to_host, ev.network_addr);
    fire_register_failure(ev, "INVITE");
    agent_->respond(ev.call, 403);
  } else {
    agent_->challenge(ev.call, outcome.status, outcome.challenge);
  }
  return false;
}

void SofiaProfile::on_invite(const SipEvent& ev) {
  std::vector<std::pair<std::string, std::string>> auth_vars;
  if (!authenticate_invite(ev, auth_vars)) return;
  const auto offer = sdp::parse_audio(ev.sdp);
  auto chosen = offer ? sdp::negotiate(*offer, config_.codec_prefs) : std::nullopt;
  if (!chosen) {
    failed_calls_in_.fetch_add(1, std::memory_order_relaxed);
    agent_->respond(ev.call, 488);
    return;
  }
  asio::error_code remote_ec;
  asio::error_code local_ec;
  const auto remote_ip = asio::ip::make_address(offer->connection_ip, remote_ec);
  const auto local_ip = asio::ip::make_address(config_.rtp_ip, local_ec);
  if (remote_ec || local_ec) {
    failed_calls_in_.fetch_add(1, std::memory_order_relaxed);
    agent_->respond(ev.call, 488);
    return;
  }
  std::string error;
  auto stream = rtp::RtpStream::open(core_.io(), local_ip, config_.rtp_ports, &error);
  if (!stream) {
    ES_LOG(core_.runtime().log(), core::LogLevel::kErr,
           "sofia/{}: call {} from {}@{} refused with 503: {} {}-{} on {} (switch.conf "
           "rtp-start-port/rtp-end-port)",
           config_.name, ev.call_id, ev.from_user, ev.from_host, error, config_.rtp_ports.first,
           config_.rtp_ports.last, config_.rtp_ip);
    failed_calls_in_.fetch_add(1, std::memory_order_relaxed);
    agent_->respond(ev.call, 503);
    return;
  }
  // Our answer carries telephone-event only with dtmf-type rfc2833, as mod_sofia's.
  if (config_.dtmf_type != DtmfType::kRfc2833) chosen->telephone_event_type.reset();
  rtp::RemoteMedia remote;
  remote.address = asio::ip::udp::endpoint(remote_ip, offer->port);
  remote.payload_type = static_cast<std::uint8_t>(chosen->payload_type);
  if (chosen->telephone_event_type)
    remote.telephone_event_type = static_cast<std::uint8_t>(*chosen->telephone_event_type);
  stream->set_remote(remote);

  thread_local std::mt19937_64 random{std::random_device{}()};
  const auto local_sdp =
      sdp::build(config_.rtp_ip, stream->local_port(), *chosen, random() >> 1, 1);
  auto driver = std::make_unique<SofiaDriver>(core_.io(), stream, agent_, ev.call, local_sdp);
  auto* raw_driver = driver.get();
  const bool on_hold = offer->direction == sdp::Direction::kSendOnly ||
                       offer->direction == sdp::Direction::kInactive;
  driver->set_media_timeout(
      std::chrono::seconds(on_hold ? config_.rtp_hold_timeout_sec : config_.rtp_timeout_sec));

  sw::CallerProfile profile;
  profile.username = ev.from_user;
  profile.dialplan = config_.dialplan;
  profile.caller_id_name = ev.from_display.empty() ? ev.from_user : ev.from_display;
  profile.caller_id_number = ev.from_user;
  profile.orig_caller_id_name = profile.caller_id_name;
  profile.orig_caller_id_number = profile.caller_id_number;
  profile.ani = ev.from_user;
  profile.network_addr = ev.network_addr;
  profile.destination_number = ev.req_user;
  profile.source = "mod_sofia";
  profile.context = config_.context;
  int cause = 0;
  auto session = core_.create_session(sw::Direction::kInbound, std::move(driver),
                                      std::move(profile), {}, &cause);
  if (!session) {
    stream->close();
    failed_calls_in_.fetch_add(1, std::memory_order_relaxed);
    agent_->respond(ev.call, cause_to_sip_status(cause));
    return;
  }
  session->set_name("sofia/" + config_.name + "/" + ev.from_user + "@" + ev.from_host);
  const std::pair<const char*, std::string> vars[] = {
      {"sofia_profile_name", config_.name},
      {"sip_from_user", ev.from_user},
      {"sip_from_host", ev.from_host},
      {"sip_from_display", ev.from_display},
      {"sip_to_user", ev.to_user},
      {"sip_to_host", ev.to_host},
      {"sip_req_user", ev.req_user},
      {"sip_req_host", ev.req_host},
      {"sip_req_uri", ev.req_uri},
      {"sip_call_id", ev.call_id},
      {"sip_user_agent", ev.user_agent},
      {"sip_contact_user", ev.contact_user},
      {"sip_contact_host", ev.contact_host},
      {"sip_network_ip", ev.network_addr},
      {"sip_network_port", std::to_string(ev.network_port)},
      {"sip_received_ip", ev.network_addr},
      {"sip_received_port", std::to_string(ev.network_port)},
      {"switch_r_sdp", ev.sdp},
      {"remote_media_ip", offer->connection_ip},
      {"remote_media_port", std::to_string(offer->port)},
      {"local_media_ip", config_.rtp_ip},
      {"local_media_port", std::to_string(stream->local_port())},
      {"read_codec", chosen->codec},
      {"write_codec", chosen->codec},
      {"read_rate", "8000"},
      {"write_rate", "8000"},
  };
  for (const auto& [name, value] : vars) {
    if (!value.empty()) session->set_variable(name, value);
  }
  for (const auto& [name, value] : auth_vars) session->set_variable(name, value);
  {
    const std::scoped_lock lock(mutex_);
    calls_[ev.call] = session;
  }
  calls_in_.fetch_add(1, std::memory_order_relaxed);
  session->set_state(sw::ChannelState::kInit);
  session->start();
  raw_driver->start_media(session);
}

}  // namespace es::sip::sofia
