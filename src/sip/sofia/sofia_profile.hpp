#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <asio/io_context.hpp>
#include <asio/strand.hpp>

#include "sip/rtp/rtp_stream.hpp"
#include "sip/sofia/sofia_agent.hpp"
#include "sip/sofia/sofia_auth.hpp"
#include "sip/sofia/sofia_config.hpp"
#include "sip/sofia/sofia_registrar.hpp"
#include "switch/endpoint.hpp"
#include "switch/switch_core.hpp"

namespace es::sip::sofia {

// A SIP profile on the switch's side: turns the sofia thread's reports into sessions named
// sofia/<profile>/<user>@<host>, with FreeSWITCH's variables, routed into the profile's
// dialplan context, their audio on an RtpStream. Reports are posted to the switch's event
// loops through one strand per profile, so a call's reports are handled in the order sofia
// gave them (a 486 or BYE before the dialog's end); they are bounded by SofiaAgent::kMaxCalls calls
// of a handful of reports each. Outbound legs (our INVITE) are made by create_outbound, in
// sofia_outbound.cpp.
class SofiaProfile : public std::enable_shared_from_this<SofiaProfile> {
 public:
  SofiaProfile(sw::SwitchCore& core, ProfileConfig config);
  ~SofiaProfile();
  SofiaProfile(const SofiaProfile&) = delete;
  SofiaProfile& operator=(const SofiaProfile&) = delete;

  bool start(std::string* error);
  void stop();

  const ProfileConfig& config() const { return config_; }
  // An outbound leg to `dest` (<user>@<host[:port]>, after sofia/<profile>/): the session,
  // CS_INIT and not started, whose INVITE leaves when it starts; or the refusal's cause.
  sw::OutgoingResult create_outbound(const sw::OutgoingRequest& request, std::string_view dest);
  const std::shared_ptr<SofiaAgent>& agent() const { return agent_; }
  std::size_t live_calls() const;
  // FreeSWITCH's CALLS-IN / FAILED-CALLS-IN of `sofia status profile`: INVITEs that became
  // sessions, and INVITEs refused (no common codec, no RTP port, switch limits).
  std::uint64_t calls_in() const { return calls_in_.load(std::memory_order_relaxed); }
  std::uint64_t failed_calls_in() const { return failed_calls_in_.load(std::memory_order_relaxed); }
  const Registrar& registrar() const { return registrar_; }
  // The contact (user@host[:port][;params], no "sip:") of `user`'s registration at `host`, or
  // of its first registration on this profile when `host` is empty.
  std::optional<std::string> registered_contact(const std::string& user,
                                                const std::string& host) const;
  std::int64_t now_seconds() const;

 private:
  void handle(const SipEvent& event);
  void on_invite(const SipEvent& event);
  // auth-calls (or credentials sent anyway, as mod_sofia checks them): false when the INVITE
  // was answered (challenge, 403); true with the variables the call gets.
  bool authenticate_invite(const SipEvent& event,
                           std::vector<std::pair<std::string, std::string>>& variables);
  // REGISTER (sofia_register.cpp): authenticated unless accept-blind-reg, then stored or
  // removed, with mod_sofia's sofia::register / sofia::unregister events.
  void on_register(const SipEvent& event);
  // Every second on the switch's timers: expired registrations go, with sofia::expire.
  void schedule_expiry_sweep();
  void fire_custom(std::string_view subclass,
                   const std::vector<std::pair<std::string, std::string>>& headers);
  // sofia::register_failure, for a 403 to a REGISTER or an INVITE (`type`).
  void fire_register_failure(const SipEvent& event, std::string_view type);
  void sweep_registrations();
  void on_response(const SipEvent& event);
  void on_far_end_gone(std::uint64_t call, int cause, std::string_view disposition = {});

  sw::SwitchCore& core_;
  ProfileConfig config_;
  std::shared_ptr<SofiaAgent> agent_;
  SofiaAuth auth_;
  Registrar registrar_;
  std::mutex sweep_mutex_;
  std::uint64_t sweep_timer_ = 0;
  bool stopped_ = false;
  asio::strand<asio::io_context::executor_type> reports_;
  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, std::weak_ptr<sw::Session>> calls_;
  std::atomic<std::uint64_t> calls_in_{0};
  std::atomic<std::uint64_t> failed_calls_in_{0};
};

}  // namespace es::sip::sofia
