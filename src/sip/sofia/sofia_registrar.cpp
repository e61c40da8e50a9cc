#include "sip/sofia/sofia_registrar.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <ctime>

#include "protocol/ascii.hpp"

namespace es::sip::sofia {
namespace {

std::string key_of(const std::string& user, const std::string& host) {
  return protocol::to_lower(user + "@" + host);
}

constexpr std::string_view kLine =
    "================================================================================"
    "=================";

}  // namespace

bool Registrar::add(Registration registration) {
  const std::scoped_lock lock(mutex_);
  const auto key = key_of(registration.user, registration.host);
  if (!entries_.contains(key) && entries_.size() >= kMaxRegistrations) return false;
  entries_[key] = std::move(registration);
  return true;
}

std::optional<Registration> Registrar::remove(const std::string& user, const std::string& host) {
  const std::scoped_lock lock(mutex_);
  const auto it = entries_.find(key_of(user, host));
  if (it == entries_.end()) return std::nullopt;
  Registration gone = std::move(it->second);
  entries_.erase(it);
  return gone;
}

std::vector<Registration> Registrar::expire(std::int64_t now) {
  const std::scoped_lock lock(mutex_);
  std::vector<Registration> gone;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.expires > 0 && it->second.expires <= now) {
      gone.push_back(std::move(it->second));
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
  return gone;
}

std::vector<Registration> Registrar::list() const {
  const std::scoped_lock lock(mutex_);
  std::vector<Registration> out;
  out.reserve(entries_.size());
  for (const auto& [key, registration] : entries_) out.push_back(registration);
  return out;
}

std::optional<Registration> Registrar::find(const std::string& user,
                                            const std::string& host) const {
  const std::scoped_lock lock(mutex_);
  const auto it = entries_.find(key_of(user, host));
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

std::size_t Registrar::size() const {
  const std::scoped_lock lock(mutex_);
  return entries_.size();
}

std::optional<std::string> contact_uri(std::string_view contact) {
  const auto skip_spaces = [&contact] {
    while (contact.starts_with(' ')) contact.remove_prefix(1);
  };
  skip_spaces();
  if (contact.starts_with('"')) {
    const auto close = contact.find('"', 1);
    contact.remove_prefix(close == std::string_view::npos ? 1 : close + 1);
  }
  skip_spaces();
  if (const auto open = contact.find('<'); open != std::string_view::npos) {
    const auto close = contact.find('>', open);
    contact = close == std::string_view::npos ? contact.substr(open + 1)
                                              : contact.substr(open + 1, close - open - 1);
  }
  if (const auto colon = contact.find(':'); colon != std::string_view::npos) {
    contact.remove_prefix(colon + 1);
  }
  if (contact.empty()) return std::nullopt;
  return std::string(contact);
}

std::string sofia_contact(std::string_view arg, const std::vector<ProfileRegistrar>& profiles,
                          std::string_view default_domain) {
  if (arg.empty()) return {};
  std::string_view profile_name;
  std::string_view user = arg;
  if (const auto slash = arg.find('/'); slash != std::string_view::npos) {
    profile_name = arg.substr(0, slash);
    user = arg.substr(slash + 1);
  }
  std::string_view domain;
  std::string_view prefix;
  const auto at = user.find('@');
  std::string_view& tail = at == std::string_view::npos ? user : domain;
  if (at != std::string_view::npos) {
    domain = user.substr(at + 1);
    user = user.substr(0, at);
  }
  if (const auto slash = tail.find('/'); slash != std::string_view::npos) {
    prefix = tail.substr(slash + 1);
    tail = tail.substr(0, slash);
  }
  if (domain.empty()) domain = default_domain;

  const ProfileRegistrar* chosen = nullptr;
  if (profile_name != "*" || domain.empty()) {
    for (const auto& p : profiles) {
      if (!profile_name.empty() && p.name == profile_name) chosen = &p;
    }
    for (const auto& p : profiles) {
      if (!chosen && !domain.empty() && p.name == domain) chosen = &p;
    }
  }
  std::string out;
  const auto add_from = [&](const ProfileRegistrar& p, bool dedup) {
    const auto reg = p.registrar->find(std::string(user), std::string(domain));
    if (!reg) return;
    const auto uri = contact_uri(reg->contact);
    if (!uri) return;
    std::string entry = fmt::format("{}sofia/{}/sip:{}", prefix, p.name, *uri);
    if (dedup && out.find(entry) != std::string::npos) return;
    out += entry + ",";
  };
  if (chosen) {
    add_from(*chosen, false);
  } else if (!domain.empty()) {
    for (const auto& p : profiles) add_from(p, true);
  }
  if (out.empty()) return "error/user_not_registered";
  out.pop_back();
  return out;
}

std::string format_registrations(const std::vector<Registration>& registrations,
                                 const std::string& filter, std::int64_t now) {
  std::string out = fmt::format("\nRegistrations:\n{}\n", kLine);
  std::size_t rows = 0;
  for (const auto& r : registrations) {
    if (!filter.empty() && r.contact.find(filter) == std::string::npos) continue;
    ++rows;
    std::tm local{};
    const auto expires = static_cast<std::time_t>(r.expires);
    localtime_r(&expires, &local);
    out += fmt::format(
        "Call-ID:    \t{}\nUser:       \t{}@{}\nContact:    \t{}\nAgent:      \t{}\n"
        "Status:     \t{}({}) EXP({:%Y-%m-%d %H:%M:%S}) EXPSECS({})\nPing-Status:\t{}\n"
        "Ping-Time:\t{:.2f}\nHost:       \t{}\nIP:         \t{}\nPort:       \t{}\n"
        "Auth-User:  \t{}\nAuth-Realm: \t{}\nMWI-Account:\t{}@{}\n\n",
        r.call_id, r.user, r.host, r.contact, r.agent, r.status, "unknown", local, r.expires - now,
        "Reachable", 0.0, r.server_host, r.network_ip, r.network_port, r.auth_user, r.auth_realm,
        r.user, r.host);
  }
  out += fmt::format("Total items returned: {}\n{}\n", rows, kLine);
  return out;
}

}  // namespace es::sip::sofia
