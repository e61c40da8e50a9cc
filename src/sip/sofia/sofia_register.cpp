// REGISTER on a profile, as mod_sofia's sofia_reg_handle_register_token does it with its
// defaults (docs/sip.md, "Registrations"): a digest challenge (401) unless accept-blind-reg,
// then one registration per user@host, Expires 0 removing it, and the CUSTOM events
// sofia::register, sofia::unregister and (from the sweep) sofia::expire with mod_sofia's
// header names.
#include <fmt/format.h>

#include "core/event.hpp"
#include "core/log_bus.hpp"
#include "core/runtime.hpp"
#include "protocol/ascii.hpp"
#include "sip/sofia/sofia_profile.hpp"

namespace es::sip::sofia {
namespace {

// mod_sofia's expiry when the REGISTER names none.
constexpr long kDefaultExpires = 300;
constexpr std::int64_t kSweepIntervalUs = 1'000'000;

using Headers = std::vector<std::pair<std::string, std::string>>;

// mod_sofia's contact text: "<display>" <sip:user@host[:port][;params]>.
std::string contact_text(const SipEvent& ev) {
  std::string display = ev.contact_display.empty() ? ev.from_display : ev.contact_display;
  if (display.empty()) display = "\"\"";
  if (display.find('"') == std::string::npos) display = "\"" + display + "\"";
  std::string uri = "sip:" + ev.contact_user + "@" + ev.contact_host;
  if (!ev.contact_port.empty()) uri += ":" + ev.contact_port;
  if (!ev.contact_params.empty()) uri += ";" + ev.contact_params;
  return display + " <" + uri + ">";
}

}  // namespace

void SofiaProfile::on_register(const SipEvent& ev) {
  const std::string to_user = ev.to_user.empty() ? ev.from_user : ev.to_user;
  const std::string to_host = ev.to_host.empty() ? ev.from_host : ev.to_host;
  if (to_user.empty() || to_host.empty()) {
    agent_->reply(ev.call, 401);  // mod_sofia: nothing to authorize against
    return;
  }
  const long exptime = ev.expires >= 0 ? ev.expires : kDefaultExpires;
  const std::int64_t now = now_seconds();
  std::string username = "unknown";
  std::string realm = to_host;
  Headers auth_vars;
  if (!config_.accept_blind_reg) {
    AuthRequest request{"REGISTER", ev.from_user, ev.from_host, to_user, to_host, ev.auth_params};
    const auto xml = core_.xml ? core_.xml() : nullptr;
    AuthOutcome outcome = auth_.authenticate(request, xml.get(), now, exptime);
    if (outcome.status == 401) {
      agent_->challenge(ev.call, 401, outcome.challenge);
      return;
    }
    if (outcome.status != 0) {
      ES_LOG(core_.runtime().log(), core::LogLevel::kWarning,
             "SIP auth failure (REGISTER) on sofia profile '{}' for [{}@{}] from ip {}",
             config_.name, to_user, to_host, ev.network_addr);
      fire_register_failure(ev, "REGISTER");
      agent_->reply(ev.call, outcome.status);
      return;
    }
    username = outcome.username;
    realm = outcome.realm;
    auth_vars = std::move(outcome.variables);
  }
  if (!ev.has_contact) {
    agent_->reply(ev.call, 200);
    return;
  }
  const bool tcp = protocol::icontains(ev.contact_params, "transport=tcp");
  Registration reg;
  reg.call_id = ev.call_id;
  reg.user = to_user;
  reg.host = to_host;
  reg.contact = contact_text(ev);
  reg.status = tcp ? "Registered(TCP)" : "Registered(UDP)";
  reg.agent = ev.user_agent.empty() ? "unknown" : ev.user_agent;
  reg.expires = now + exptime + config_.sip_expires_late_margin;
  reg.network_ip = ev.network_addr;
  reg.network_port = std::to_string(ev.network_port);
  reg.auth_user = username;
  reg.auth_realm = realm;
  reg.server_host = config_.sip_ip;
  reg.to_user = ev.from_user;
  reg.to_host = ev.from_host;
  const std::string common_contact = reg.contact;

  if (exptime > 0) {
    if (!registrar_.add(reg)) {
      ES_LOG(core_.runtime().log(), core::LogLevel::kErr,
             "sofia/{}: registration of {}@{} refused with 503: {} registrations are the most",
             config_.name, to_user, to_host, Registrar::kMaxRegistrations);
      agent_->reply(ev.call, 503);
      return;
    }
    Headers headers = {{"profile-name", config_.name},
                       {"from-user", to_user},
                       {"from-host", to_host},
                       {"presence-hosts", "n/a"},
                       {"contact", reg.contact},
                       {"call-id", reg.call_id},
                       {"rpid", "unknown"},
                       {"status", reg.status},
                       {"expires", std::to_string(exptime)},
                       {"to-user", ev.from_user},
                       {"to-host", ev.from_host},
                       {"network-ip", reg.network_ip},
                       {"network-port", reg.network_port},
                       {"username", username},
                       {"realm", realm},
                       {"user-agent", reg.agent}};
    // mod_sofia merges the authentication's variables into the event.
    for (auto& var : auth_vars) headers.push_back(std::move(var));
    fire_custom("sofia::register", headers);
    std::string uri = common_contact.substr(common_contact.find('<'));
    agent_->reply(ev.call, 200, fmt::format("{};expires={}", uri, exptime));
    return;
  }
  registrar_.remove(to_user, to_host);
  Headers headers = {{"profile-name", config_.name},
                     {"username", username},
                     {"from-user", to_user},
                     {"from-host", to_host},
                     {"contact", reg.contact},
                     {"call-id", reg.call_id},
                     {"rpid", "unknown"},
                     {"realm", realm},
                     {"network-ip", reg.network_ip},
                     {"network-port", reg.network_port},
                     {"user-agent", reg.agent},
                     {"expires", "0"}};
  for (auto& var : auth_vars) headers.push_back(std::move(var));
  agent_->reply(ev.call, 200);
  fire_custom("sofia::unregister", headers);
}

void SofiaProfile::fire_custom(std::string_view subclass, const Headers& headers) {
  auto& runtime = core_.runtime();
  core::Event event = runtime.events().create(core::EventType::kCustom, subclass);
  for (const auto& [name, value] : headers) event.add_header(name, value);
  runtime.bus().fire(std::move(event));
}

void SofiaProfile::fire_register_failure(const SipEvent& ev, std::string_view type) {
  // mod_sofia names the To of the request, for INVITE and REGISTER alike.
  fire_custom("sofia::register_failure",
              {{"profile-name", config_.name},
               {"to-user", ev.to_user.empty() ? ev.from_user : ev.to_user},
               {"to-host", ev.to_host.empty() ? ev.from_host : ev.to_host},
               {"network-ip", ev.network_addr},
               {"user-agent", ev.user_agent},
               {"network-port", std::to_string(ev.network_port)},
               {"registration-type", std::string(type)}});
}

void SofiaProfile::schedule_expiry_sweep() {
  const std::scoped_lock lock(sweep_mutex_);
  if (stopped_) return;
  std::weak_ptr<SofiaProfile> weak = weak_from_this();
  sweep_timer_ =
      core_.timers().call_at(core_.runtime().clock().now_monotonic_us() + kSweepIntervalUs, [weak] {
        const auto self = weak.lock();
        if (!self) return;
        self->sweep_registrations();
        self->schedule_expiry_sweep();
      });
}

void SofiaProfile::sweep_registrations() {
  for (const auto& reg : registrar_.expire(now_seconds())) {
    fire_custom("sofia::expire", {{"profile-name", config_.name},
                                  {"call-id", reg.call_id},
                                  {"user", reg.user},
                                  {"username", reg.user},
                                  {"host", reg.host},
                                  {"contact", reg.contact},
                                  {"expires", std::to_string(reg.expires)},
                                  {"user-agent", reg.agent},
                                  {"realm", reg.auth_realm},
                                  {"network-ip", reg.network_ip},
                                  {"network-port", reg.network_port}});
  }
}

}  // namespace es::sip::sofia
