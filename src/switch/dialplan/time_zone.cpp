#include "switch/dialplan/time_zone.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

namespace es::sw {
namespace {

// TZif files of the system database are a few kB; anything much larger is not one.
constexpr std::size_t kMaxZoneFileBytes = 1 << 20;

std::int64_t read_be(std::string_view data, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i)
    v = (v << 8) | static_cast<unsigned char>(data[at + static_cast<std::size_t>(i)]);
  if (bytes == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
  return static_cast<std::int64_t>(v);
}

struct Counts {
  std::int64_t isut, isstd, leap, time, type, chars;
};

std::optional<Counts> header(std::string_view data, std::size_t at) {
  if (data.size() < at + 44 || data.substr(at, 4) != "TZif") return std::nullopt;
  Counts c{};
  c.isut = read_be(data, at + 20, 4);
  c.isstd = read_be(data, at + 24, 4);
  c.leap = read_be(data, at + 28, 4);
  c.time = read_be(data, at + 32, 4);
  c.type = read_be(data, at + 36, 4);
  c.chars = read_be(data, at + 40, 4);
  if (c.isut < 0 || c.isstd < 0 || c.leap < 0 || c.time < 0 || c.type <= 0 || c.chars < 0 ||
      c.type > 256)
    return std::nullopt;
  return c;
}

std::size_t block_size(const Counts& c, int time_bytes) {
  return static_cast<std::size_t>(c.time * time_bytes + c.time + c.type * 6 + c.chars +
                                  c.leap * (time_bytes + 4) + c.isstd + c.isut);
}

// --- POSIX TZ rules -------------------------------------------------------------------------

// Reads "[+-]hh[:mm[:ss]]" at `p`; seconds.
std::optional<std::int64_t> posix_time(std::string_view s, std::size_t& p) {
  int sign = 1;
  if (p < s.size() && (s[p] == '+' || s[p] == '-')) sign = s[p++] == '-' ? -1 : 1;
  std::int64_t total = 0;
  for (int part = 0; part < 3; ++part) {
    if (p >= s.size() || !std::isdigit(static_cast<unsigned char>(s[p]))) {
      if (part == 0) return std::nullopt;
      break;
    }
    std::int64_t v = 0;
    while (p < s.size() && std::isdigit(static_cast<unsigned char>(s[p])) && v < 1000)
      v = v * 10 + (s[p++] - '0');
    total += v * (part == 0 ? 3600 : part == 1 ? 60 : 1);
    if (part < 2 && p < s.size() && s[p] == ':') {
      ++p;
    } else {
      break;
    }
  }
  return sign * total;
}

bool posix_name(std::string_view s, std::size_t& p) {
  std::size_t start = p;
  if (p < s.size() && s[p] == '<') {
    std::size_t close = s.find('>', p);
    if (close == std::string_view::npos) return false;
    p = close + 1;
    return true;
  }
  while (p < s.size() && std::isalpha(static_cast<unsigned char>(s[p]))) ++p;
  return p - start >= 3;
}

struct RuleDate {
  int month = 0, week = 0, weekday = 0;
  std::int64_t time = 7200;  // 02:00 unless given
};

std::optional<RuleDate> posix_date(std::string_view s, std::size_t& p) {
  if (p >= s.size() || s[p] != 'M') return std::nullopt;
  ++p;
  int fields[3] = {0, 0, 0};
  for (int i = 0; i < 3; ++i) {
    if (i > 0) {
      if (p >= s.size() || s[p] != '.') return std::nullopt;
      ++p;
    }
    if (p >= s.size() || !std::isdigit(static_cast<unsigned char>(s[p]))) return std::nullopt;
    while (p < s.size() && std::isdigit(static_cast<unsigned char>(s[p])) && fields[i] < 100)
      fields[i] = fields[i] * 10 + (s[p++] - '0');
  }
  RuleDate d{fields[0], fields[1], fields[2]};
  if (d.month < 1 || d.month > 12 || d.week < 1 || d.week > 5 || d.weekday > 6) return std::nullopt;
  if (p < s.size() && s[p] == '/') {
    ++p;
    auto t = posix_time(s, p);
    if (!t) return std::nullopt;
    d.time = *t;
  }
  return d;
}

std::int64_t days_from_civil(std::int64_t y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// Seconds since the epoch, in local time of `offset`, at which the rule date falls in `year`.
std::int64_t rule_instant(const RuleDate& d, std::int64_t year, std::int64_t offset) {
  std::int64_t first = days_from_civil(year, d.month, 1);
  int first_weekday = static_cast<int>(((first % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  int day = 1 + (d.weekday - first_weekday + 7) % 7 + (d.week - 1) * 7;
  int month_days = static_cast<int>(
      (d.month == 12 ? days_from_civil(year + 1, 1, 1) : days_from_civil(year, d.month + 1, 1)) -
      first);
  while (day > month_days) day -= 7;
  return (first + day - 1) * 86400 + d.time - offset;
}

// --- the zone folder ------------------------------------------------------------------------

bool safe_name(std::string_view name) {
  if (name.empty() || name.size() > 255 || name.front() == '/') return false;
  if (name.find("..") != std::string_view::npos) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' ||
           c == '+' || c == '.';
  });
}

std::optional<TimeZone> load(std::string_view name) {
  const char* dir = std::getenv("TZDIR");
  std::string path =
      std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" + std::string(name);
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string data(kMaxZoneFileBytes + 1, '\0');
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  data.resize(static_cast<std::size_t>(in.gcount()));
  if (data.size() > kMaxZoneFileBytes) return std::nullopt;
  return TimeZone::parse(data);
}

std::mutex g_mutex;
std::map<std::string, std::optional<TimeZone>, std::less<>> g_zones;

}  // namespace

std::optional<TimeZone> TimeZone::parse(std::string_view data) {
  auto first = header(data, 0);
  if (!first) return std::nullopt;
  std::size_t at = 44;
  int time_bytes = 4;
  Counts c = *first;
  if (data[4] >= '2') {
    // Version 2+: skip the 32-bit block; the 64-bit one follows with its own header.
    at += block_size(c, 4);
    auto second = header(data, at);
    if (!second) return std::nullopt;
    c = *second;
    at += 44;
    time_bytes = 8;
  }
  if (data.size() < at + block_size(c, time_bytes)) return std::nullopt;
  TimeZone zone;
  std::size_t times = at;
  std::size_t indices = times + static_cast<std::size_t>(c.time * time_bytes);
  std::size_t infos = indices + static_cast<std::size_t>(c.time);
  for (std::int64_t i = 0; i < c.type; ++i) {
    std::size_t p = infos + static_cast<std::size_t>(i * 6);
    zone.types_.push_back(
        ZoneOffset{static_cast<std::int32_t>(read_be(data, p, 4)), data[p + 4] != 0});
  }
  for (std::int64_t i = 0; i < c.time; ++i) {
    auto type = static_cast<std::uint8_t>(data[indices + static_cast<std::size_t>(i)]);
    if (type >= zone.types_.size()) return std::nullopt;
    zone.transitions_.push_back(
        {read_be(data, times + static_cast<std::size_t>(i * time_bytes), time_bytes), type});
  }
  std::size_t end = at + block_size(c, time_bytes);
  if (time_bytes == 8 && end < data.size() && data[end] == '\n') {
    std::size_t close = data.find('\n', end + 1);
    if (close != std::string_view::npos) zone.footer_ = data.substr(end + 1, close - end - 1);
  }
  return zone;
}

ZoneOffset TimeZone::at(std::int64_t epoch_seconds) const {
  if (transitions_.empty() || epoch_seconds < transitions_.front().at) {
    if (transitions_.empty() && !footer_.empty()) {
      if (auto rule = posix_rule_offset(footer_, epoch_seconds)) return *rule;
    }
    return types_.front();
  }
  auto after = std::upper_bound(transitions_.begin(), transitions_.end(), epoch_seconds,
                                [](std::int64_t t, const Transition& tr) { return t < tr.at; });
  if (after == transitions_.end() && !footer_.empty()) {
    if (auto rule = posix_rule_offset(footer_, epoch_seconds)) return *rule;
  }
  return types_[std::prev(after)->type];
}

std::optional<ZoneOffset> posix_rule_offset(std::string_view rule, std::int64_t epoch_seconds) {
  std::size_t p = 0;
  if (!posix_name(rule, p)) return std::nullopt;
  auto std_west = posix_time(rule, p);
  if (!std_west) return std::nullopt;
  ZoneOffset standard{static_cast<std::int32_t>(-*std_west), false};
  if (p >= rule.size()) return standard;
  if (!posix_name(rule, p)) return std::nullopt;
  std::int64_t dst_west = *std_west - 3600;
  if (p < rule.size() && rule[p] != ',') {
    auto t = posix_time(rule, p);
    if (!t) return std::nullopt;
    dst_west = *t;
  }
  ZoneOffset daylight{static_cast<std::int32_t>(-dst_west), true};
  if (p >= rule.size() || rule[p] != ',') return std::nullopt;
  ++p;
  auto start = posix_date(rule, p);
  if (!start || p >= rule.size() || rule[p] != ',') return std::nullopt;
  ++p;
  auto end = posix_date(rule, p);
  if (!end) return std::nullopt;
  // The year as seen in standard time is close enough to pick the year's two changes.
  std::int64_t local_days = (epoch_seconds + standard.utc_offset_seconds) / 86400;
  std::int64_t year = 1970 + local_days / 365;
  while (days_from_civil(year, 1, 1) > local_days) --year;
  while (days_from_civil(year + 1, 1, 1) <= local_days) ++year;
  // Daylight time begins at the start date in standard time, ends at the end date in
  // daylight time; south of the equator the end comes first in the year.
  std::int64_t begins = rule_instant(*start, year, standard.utc_offset_seconds);
  std::int64_t ends = rule_instant(*end, year, daylight.utc_offset_seconds);
  bool in_dst = begins < ends ? (epoch_seconds >= begins && epoch_seconds < ends)
                              : (epoch_seconds >= begins || epoch_seconds < ends);
  return in_dst ? daylight : standard;
}

std::optional<ZoneOffset> zone_offset(std::string_view name, std::int64_t epoch_seconds) {
  if (!safe_name(name)) return std::nullopt;
  {
    std::lock_guard lock(g_mutex);
    auto it = g_zones.find(name);
    if (it != g_zones.end()) {
      if (!it->second) return std::nullopt;
      return it->second->at(epoch_seconds);
    }
  }
  std::optional<TimeZone> zone = load(name);
  std::optional<ZoneOffset> out;
  if (zone) out = zone->at(epoch_seconds);
  std::lock_guard lock(g_mutex);
  if (g_zones.size() < kMaxCachedZones) g_zones.emplace(std::string(name), std::move(zone));
  return out;
}

std::optional<std::tm> zone_time(std::string_view name, std::int64_t epoch_seconds) {
  auto offset = zone_offset(name, epoch_seconds);
  if (!offset) return std::nullopt;
  std::time_t shifted = static_cast<std::time_t>(epoch_seconds + offset->utc_offset_seconds);
  std::tm tm{};
  gmtime_r(&shifted, &tm);
  tm.tm_gmtoff = offset->utc_offset_seconds;
  tm.tm_isdst = offset->dst ? 1 : 0;
  return tm;
}

}  // namespace es::sw
