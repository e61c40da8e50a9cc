#include "switch/dialplan/time_condition.hpp"

#include <cmath>
#include <cstdlib>
#include <ctime>
#include <limits>
#include <string>

#include "core/text/text.hpp"
#include "protocol/ascii.hpp"
#include "switch/dialplan/dialplan_regex.hpp"
#include "switch/dialplan/time_zone.hpp"

namespace es::sw {
namespace {

std::int64_t floor_seconds(std::int64_t epoch_us) {
  std::int64_t seconds = epoch_us / 1000000;
  if (epoch_us % 1000000 < 0) --seconds;
  return seconds;
}

std::tm local_tm(std::int64_t epoch_seconds) {
  std::time_t t = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  localtime_r(&t, &tm);
  return tm;
}

std::tm utc_tm(std::int64_t epoch_seconds) {
  std::time_t t = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

int group_int(const RegexMatch& match, int group) {
  auto text = match.group(group);
  return text ? text::c_atoi(*text) : 0;
}

// Index of the weekday name (sun=1..sat=7) that `text` starts with, case-insensitively.
int weekday_from_name(std::string_view text) {
  static constexpr const char* kNames[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
  if (text.size() < 3) return -1;
  for (int i = 0; i < 7; ++i) {
    if (protocol::iequals(text.substr(0, 3), kNames[i])) return i + 1;
  }
  return -1;
}

// Comma-separated items of `text`, as FreeSWITCH walks them with strchr.
template <typename Visit>
bool any_comma_item(std::string_view text, Visit visit) {
  std::size_t start = 0;
  while (true) {
    std::size_t comma = text.find(',', start);
    std::string_view item =
        text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
    if (visit(item)) return true;
    if (comma == std::string_view::npos) return false;
    start = comma + 1;
  }
}

}  // namespace

bool number_matches(std::string_view expression, int value) {
  std::string text(expression);
  const char* p = text.c_str();
  while (true) {
    char* end = nullptr;
    long a = std::strtol(p, &end, 10);
    p = end;
    if (*p != '-') {
      if (a == value) return true;
    } else {
      long b = std::strtol(p + 1, &end, 10);
      p = end;
      if (a <= b ? (value >= a && value <= b) : (value >= a || value <= b)) return true;
    }
    if (*p != ',') return false;
    ++p;
  }
}

bool weekday_matches(std::string_view expression, int day_of_week) {
  constexpr int kEnd = -1;
  constexpr int kError = -2;
  constexpr int kHyphen = '-';
  constexpr int kComma = ',';
  std::size_t pos = 0;
  auto next_token = [&]() -> int {
    if (pos >= expression.size()) return kEnd;
    char c = expression[pos];
    if (c == '-' || c == ',') {
      ++pos;
      return c;
    }
    if (c >= '1' && c <= '7') {
      ++pos;
      return c - '0';
    }
    int day = weekday_from_name(expression.substr(pos));
    if (day != -1) {
      pos += 3;
      return day;
    }
    return kError;
  };
  int previous = kEnd;
  int range_start = kEnd;
  for (int token = next_token(); token != kEnd; token = next_token()) {
    if (token == kComma) {
      token = kEnd;
    } else if (token == kHyphen) {
      range_start = previous;
    } else if (token == kError) {
      break;
    } else if (range_start != kEnd) {
      bool inside = range_start <= token ? (day_of_week >= range_start && day_of_week <= token)
                                         : (day_of_week >= range_start || day_of_week <= token);
      if (inside) return true;
      range_start = kEnd;
    } else if (day_of_week == token) {
      return true;
    }
    previous = token;
  }
  return false;
}

bool time_of_day_matches(std::string_view expression, int seconds_of_day) {
  return any_comma_item(expression, [&](std::string_view item) {
    // "h:m[:s]-h:m[:s]": the first ':' ends the start hour, the '-' after it the start, and
    // a ':' after the '-' is required.
    std::size_t first_colon = item.find(':');
    if (first_colon == std::string_view::npos) return false;
    std::size_t hyphen = item.find('-', first_colon + 1);
    if (hyphen == std::string_view::npos) return false;
    std::size_t end_colon = item.find(':', hyphen);
    if (end_colon == std::string_view::npos) return false;
    std::string_view start_min_sec = item.substr(first_colon + 1, hyphen - first_colon - 1);
    std::string_view end_min_sec = item.substr(end_colon + 1);
    auto seconds = [](std::string_view hours, std::string_view min_sec) {
      std::size_t colon = min_sec.find(':');
      std::string_view minutes = min_sec.substr(0, colon);
      std::string_view secs = colon == std::string_view::npos ? "00" : min_sec.substr(colon + 1);
      // 64 bits: an hour of 600,000 or more overflowed int (no such range matches a day).
      return std::int64_t{text::c_atoi(hours)} * 3600 + std::int64_t{text::c_atoi(minutes)} * 60 +
             text::c_atoi(secs);
    };
    std::int64_t range_start = seconds(item.substr(0, first_colon), start_min_sec);
    std::int64_t range_end = seconds(item.substr(hyphen + 1, end_colon - hyphen - 1), end_min_sec);
    return range_start <= range_end
               ? (seconds_of_day >= range_start && seconds_of_day <= range_end)
               : (seconds_of_day >= range_start || seconds_of_day <= range_end);
  });
}

std::int64_t parse_local_time(std::string_view text, std::int64_t now_epoch_us) {
  std::tm tm{};
  RegexMatch time_only = regex_perform(text, R"(^(\d*):{0,1}(\d*):{0,1}(\d*)$)");
  if (time_only.count > 0) {
    tm = local_tm(floor_seconds(now_epoch_us));
    tm.tm_hour = group_int(time_only, 1);
    tm.tm_min = group_int(time_only, 2);
    tm.tm_sec = group_int(time_only, 3);
  } else {
    RegexMatch date = regex_perform(text, R"(^(\d+)-(\d+)-(\d+)\s*(\d*):{0,1}(\d*):{0,1}(\d*))");
    if (date.count == 0)
      date = regex_perform(text, R"(^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2}))");
    if (date.count == 0) return 0;
    tm.tm_year = group_int(date, 1) - 1900;
    tm.tm_mon = group_int(date, 2) - 1;
    tm.tm_mday = group_int(date, 3);
    tm.tm_hour = group_int(date, 4);
    tm.tm_min = group_int(date, 5);
    tm.tm_sec = group_int(date, 6);
  }
  // APR refuses months out of range and years before 1970; FreeSWITCH then yields 0.
  if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_year < 70) return 0;
  // The fields are read as UTC, then shifted by the host's UTC offset at that instant.
  std::tm fields = tm;
  fields.tm_isdst = 0;
  std::int64_t as_utc = static_cast<std::int64_t>(timegm(&fields));
  std::int64_t gmt_offset = local_tm(as_utc).tm_gmtoff;
  // A year in the millions has no microsecond count in 64 bits: a parse error, like APR's.
  constexpr std::int64_t kMaxSeconds = std::numeric_limits<std::int64_t>::max() / 1000000 - 86400;
  if (as_utc > kMaxSeconds || as_utc < -kMaxSeconds) return 0;
  return (as_utc - gmt_offset) * 1000000;
}

bool date_time_matches(std::string_view expression, std::int64_t now_epoch_us) {
  std::size_t start = 0;
  while (true) {
    std::size_t comma = expression.find(',', start);
    std::string_view item =
        expression.substr(start, comma == std::string_view::npos ? expression.npos : comma - start);
    std::size_t tilde = item.find('~');
    if (tilde != std::string_view::npos) {
      std::int64_t range_start = parse_local_time(item.substr(0, tilde), now_epoch_us);
      std::int64_t range_end = parse_local_time(item.substr(tilde + 1), now_epoch_us);
      if (range_start == 0 || range_end == 0) return false;  // parse error ends the check
      if (range_start <= now_epoch_us && range_end > now_epoch_us) return true;
    }
    if (comma == std::string_view::npos) return false;
    start = comma + 1;
  }
}

std::optional<bool> check_time_conditions(pugi::xml_node condition, std::int64_t now_epoch_us,
                                          std::optional<int> tz_offset_hours,
                                          std::string_view timezone) {
  auto attr = [&](const char* name) -> std::optional<std::string_view> {
    pugi::xml_attribute a = condition.attribute(name);
    if (!a) return std::nullopt;
    return std::string_view(a.value());
  };
  auto date_time = attr("date-time");
  auto year = attr("year");
  auto yday = attr("yday");
  auto mon = attr("mon");
  auto mday = attr("mday");
  auto week = attr("week");
  auto mweek = attr("mweek");
  auto wday = attr("wday");
  auto hour = attr("hour");
  auto minute = attr("minute");
  auto minute_of_day = attr("minute-of-day");
  auto time_of_day = attr("time-of-day");
  auto tz_offset = attr("tz-offset");
  auto dst_attr = attr("dst");

  std::int64_t now_seconds = floor_seconds(now_epoch_us);
  std::tm host = local_tm(now_seconds);
  std::tm tm{};
  int effective_offset = 0;
  if (tz_offset_hours) {
    tm = utc_tm(now_seconds + static_cast<std::int64_t>(*tz_offset_hours) * 3600);
    effective_offset = *tz_offset_hours;
  } else {
    // FreeSWITCH leaves the fields undefined for a zone it does not know; the host's local
    // time is the defined choice.
    std::optional<std::tm> zoned;
    if (!timezone.empty()) zoned = zone_time(timezone, now_seconds);
    tm = zoned ? *zoned : host;
    effective_offset = static_cast<int>(tm.tm_gmtoff / 3600);
  }
  int wanted_offset = effective_offset;
  if (tz_offset && !tz_offset->empty() && text::is_number(*tz_offset)) {
    wanted_offset = text::c_atoi(*tz_offset);
  }

  // -1: no time attribute seen yet; 0/1: fail/pass so far.
  int match = -1;
  auto check = [&](const std::optional<std::string_view>& present, auto&& test) {
    if (match != 0 && present) match = test(*present) ? 1 : 0;
  };
  check(tz_offset, [&](std::string_view) { return wanted_offset == effective_offset; });
  if (dst_attr && !dst_attr->empty()) {
    bool want_dst = text::switch_true(*dst_attr);
    if (match != 0) match = (host.tm_isdst > 0 && want_dst) ? 1 : 0;
  }
  check(date_time, [&](std::string_view e) { return date_time_matches(e, now_epoch_us); });
  check(year, [&](std::string_view e) { return number_matches(e, tm.tm_year + 1900); });
  check(yday, [&](std::string_view e) { return number_matches(e, tm.tm_yday + 1); });
  check(mon, [&](std::string_view e) { return number_matches(e, tm.tm_mon + 1); });
  check(mday, [&](std::string_view e) { return number_matches(e, tm.tm_mday); });
  check(week, [&](std::string_view e) { return number_matches(e, tm.tm_yday / 7 + 1); });
  check(mweek, [&](std::string_view e) {
    int first_weekday = (7 - (tm.tm_mday - (tm.tm_wday + 1)) % 7) % 7;
    int week_of_month = static_cast<int>(std::ceil((tm.tm_mday + first_weekday) / 7.0));
    return number_matches(e, week_of_month);
  });
  check(wday, [&](std::string_view e) { return weekday_matches(e, tm.tm_wday + 1); });
  check(hour, [&](std::string_view e) { return number_matches(e, tm.tm_hour); });
  check(minute, [&](std::string_view e) { return number_matches(e, tm.tm_min); });
  // FreeSWITCH counts minutes of the day from 1 (00:00 is minute 1).
  check(minute_of_day,
        [&](std::string_view e) { return number_matches(e, tm.tm_hour * 60 + tm.tm_min + 1); });
  check(time_of_day, [&](std::string_view e) {
    return time_of_day_matches(e, tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec);
  });
  if (match == -1) return std::nullopt;
  return match == 1;
}

}  // namespace es::sw
