// Time-of-day conditions of the XML dialplan (src/switch_xml.c:
// switch_xml_std_datetime_check and the comparison helpers in src/switch_utils.c).
#pragma once

#include <cstdint>
#include <optional>
#include <pugixml.hpp>
#include <string_view>

namespace es::sw {

// Checks the time attributes of a <condition> (or <regex>) node: date-time, year, yday,
// mon, mday, week, mweek, wday, hour, minute, minute-of-day, time-of-day, tz-offset, dst.
// nullopt when the node has none of them, else whether all present ones pass.
// `tz_offset_hours` is the channel's tod_tz_offset; without it `timezone` (the channel's
// variable of that name: a zone of the system database such as "America/New_York") sets the
// zone; with neither (or an unknown zone, logged by the caller) it is the host's local time.
// tz-offset compares whole hours of the zone's offset at that instant.
// As in FreeSWITCH, date-time ranges and dst always use the host's local time.
std::optional<bool> check_time_conditions(pugi::xml_node condition, std::int64_t now_epoch_us,
                                          std::optional<int> tz_offset_hours,
                                          std::string_view timezone = {});

// The comparison helpers, exposed for tests.
// "9-17,20" style list of numbers and ranges; a reversed range "18-8" wraps.
bool number_matches(std::string_view expression, int value);
// Days 1..7 (sun=1) by number or 3-letter name, lists and (wrapping) ranges: "mon-fri".
bool weekday_matches(std::string_view expression, int day_of_week);
// "hh:mm[:ss]-hh:mm[:ss]" ranges (comma separated); `seconds_of_day` since midnight.
bool time_of_day_matches(std::string_view expression, int seconds_of_day);
// "YYYY-MM-DD hh:mm:ss~YYYY-MM-DD hh:mm:ss" ranges (comma separated), host local time;
// start inclusive, end exclusive.
bool date_time_matches(std::string_view expression, std::int64_t now_epoch_us);
// switch_str_time: a date/time text in host local time to epoch microseconds; 0 when it
// cannot be parsed. A bare "hh:mm:ss" means that time today. As in FreeSWITCH, an all-digit
// "YYYYMMDDhhmmss" is taken for an hour count (its time-only pattern is tried first).
std::int64_t parse_local_time(std::string_view text, std::int64_t now_epoch_us);

}  // namespace es::sw
