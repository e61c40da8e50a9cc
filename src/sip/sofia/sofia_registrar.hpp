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
#include <string_view>
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

// The URI of mod_sofia's contact text without its scheme ("1000@192.0.2.1:5062;transport=udp"
// from "\"\" <sip:1000@192.0.2.1:5062;transport=udp>"), as sofia_glue_get_url_from_contact
// and sofia_glue_strip_proto read it; nullopt for an empty one.
std::optional<std::string> contact_uri(std::string_view contact);

// A profile's name and its registrations, for sofia_contact.
struct ProfileRegistrar {
  std::string name;
  const Registrar* registrar = nullptr;
};

// The sofia_contact API: `[<profile>|*/]<user>[@<domain>][/<prefix>]` gives
// "<prefix>sofia/<profile>/sip:<contact URI>" for each registration of user@domain, joined by
// ','; "error/user_not_registered" when there is none. The profile named (else the one named
// as the domain) is searched alone; `*`, or no such profile, searches them all (each contact
// once). `default_domain` stands in for a missing domain.
std::string sofia_contact(std::string_view arg, const std::vector<ProfileRegistrar>& profiles,
                          std::string_view default_domain);

// `sofia status profile <name> reg [<filter>]`: mod_sofia's block of each registration whose
// contact contains `filter` (all when empty), in its layout; `now` in epoch seconds.
std::string format_registrations(const std::vector<Registration>& registrations,
                                 const std::string& filter, std::int64_t now);

}  // namespace es::sip::sofia
