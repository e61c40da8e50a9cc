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
