// Named time zones for the dialplan's time conditions (the channel variable `timezone`), read
// from the system's zone database (TZif files, RFC 8536) without touching the process's TZ:
// the offset a zone has at an instant is a pure function of the name and the instant.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace es::sw {

struct ZoneOffset {
  std::int32_t utc_offset_seconds = 0;  // east of UTC positive
  bool dst = false;
};

// A parsed zone: its transitions and, for instants past the last one, the POSIX rule of the
// file's footer ("EST5EDT,M3.2.0,M11.1.0").
class TimeZone {
 public:
  // nullopt when `data` is not a TZif file.
  static std::optional<TimeZone> parse(std::string_view data);
  ZoneOffset at(std::int64_t epoch_seconds) const;

 private:
  struct Transition {
    std::int64_t at;
    std::uint8_t type;
  };
  std::vector<Transition> transitions_;
  std::vector<ZoneOffset> types_;
  std::string footer_;
};

// The zone `name` (as "America/New_York") under the zone folder ($TZDIR, else
// /usr/share/zoneinfo); nullopt for an unknown or malformed name. Zones read are kept (at
// most kMaxCachedZones of them; past that a zone is read again each time).
inline constexpr std::size_t kMaxCachedZones = 64;
std::optional<ZoneOffset> zone_offset(std::string_view name, std::int64_t epoch_seconds);

// The calendar fields of `epoch_seconds` in the zone (tm_gmtoff and tm_isdst included);
// nullopt for an unknown zone.
std::optional<std::tm> zone_time(std::string_view name, std::int64_t epoch_seconds);

// A POSIX TZ rule ("CET-1CEST,M3.5.0,M10.5.0/3") at an instant; nullopt when it cannot be
// read (only the M month.week.day form of rules is understood).
std::optional<ZoneOffset> posix_rule_offset(std::string_view rule, std::int64_t epoch_seconds);

}  // namespace es::sw
