// A profile's registrations, as mod_sofia's sip_registrations table holds them (docs/sip.md,
// "Registrations"): one per user@host (mod_sofia's default, multiple-registrations off), each
// with the contact in mod_sofia's text form and an absolute expiry in epoch seconds (the
// Expires asked for plus sip-expires-late-margin). Bounded by kMaxRegistrations. Thread-safe:
// REGISTERs change it on the switch's loop while `sofia status` reads it from API threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace es::sip::sofia {

struct Registration {
  std::string call_id, user, host, contact, status, agent;
  std::int64_t expires = 0;  // epoch seconds
  std::string network_ip, network_port, auth_user, auth_realm, server_host;
  std::string to_user, to_host;  // the From of the REGISTER (mod_sofia's to-user/to-host)
};

class Registrar {
 public:
  static constexpr std::size_t kMaxRegistrations = 10000;

  // Replaces user@host's registration; false (nothing stored) when the table is full with
  // other users.
  bool add(Registration registration);
  // Removes user@host's registration; the removed one, if any.
  std::optional<Registration> remove(const std::string& user, const std::string& host);
  // Removes and returns the registrations whose expiry is at or before `now`.
  std::vector<Registration> expire(std::int64_t now);
  std::vector<Registration> list() const;
  std::optional<Registration> find(const std::string& user, const std::string& host) const;
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Registration> entries_;  // key: lowercase user@host
};

// `sofia status profile <name> reg [<filter>]`: mod_sofia's block of each registration whose
// contact contains `filter` (all when empty), in its layout; `now` in epoch seconds.
std::string format_registrations(const std::vector<Registration>& registrations,
                                 const std::string& filter, std::int64_t now);

}  // namespace es::sip::sofia
