// mod_say_en's rules, rewritten as functions that append sound names to a list.
#include "switch/apps/say_en.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <optional>

#include "core/regex.hpp"
#include "core/text/text.hpp"
#include "protocol/ascii.hpp"

namespace es::sw::say {
namespace {

constexpr std::array<std::string_view, 19> kTypeNames = {"NUMBER",
                                                         "ITEMS",
                                                         "PERSONS",
                                                         "MESSAGES",
                                                         "CURRENCY",
                                                         "TIME_MEASUREMENT",
                                                         "CURRENT_DATE",
                                                         "CURRENT_TIME",
                                                         "CURRENT_DATE_TIME",
                                                         "TELEPHONE_NUMBER",
                                                         "TELEPHONE_EXTENSION",
                                                         "URL",
                                                         "IP_ADDRESS",
                                                         "EMAIL_ADDRESS",
                                                         "POSTAL_ADDRESS",
                                                         "ACCOUNT_NUMBER",
                                                         "NAME_SPELLED",
                                                         "NAME_PHONETIC",
                                                         "SHORT_DATE_TIME"};
constexpr std::array<std::string_view, 5> kMethodNames = {"N/A", "PRONOUNCED", "ITERATED",
                                                          "COUNTED", "PRONOUNCED_YEAR"};

// switch_strip_commas with mod_say_en's 127-byte buffer: digits kept, commas dropped, anything
// else (or more than 127 digits) is a parse error.
bool strip_commas(std::string_view in, std::string& out) {
  out.clear();
  for (char c : in) {
    if (c >= '0' && c <= '9') {
      out += c;
      if (out.size() > 127) return false;
    } else if (c != ',') {
      return false;
    }
  }
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date; `month` may be out of 1..12 and
// `day` out of the month (both carry over, as timegm normalises).
std::int64_t days_from_civil(std::int64_t year, std::int64_t month, std::int64_t day) {
  year += (month - 1) / 12;
  month = (month - 1) % 12 + 1;
  if (month <= 0) {
    month += 12;
    --year;
  }
  if (month <= 2) --year;  // the year counted from March, so leap days fall at its end
  std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  std::int64_t year_of_era = year - era * 400;
  std::int64_t day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  std::int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

// switch_str_time: "[h]:[m]:[s]" (today), "Y-M-D[ h[:m[:s]]]" or "YYYYMMDDhhmmss", the fields
// read as UTC (FreeSWITCH ignores the zone offset it computes); 0 when none fits.
std::int64_t date_text_epoch(std::string_view text, const SayClock& clock) {
  auto field = [](const core::RegexMatch& m, int n) {
    auto g = m.group(n);
    return static_cast<std::int64_t>(g ? text::c_atoi(*g) : 0);
  };
  core::RegexMatch m = core::regex_perform(text, R"(^(\d*):{0,1}(\d*):{0,1}(\d*)$)");
  if (m.count > 0) {
    std::tm today = clock.breakdown(clock.now_epoch_s);
    std::int64_t days = days_from_civil(today.tm_year + 1900, today.tm_mon + 1, today.tm_mday);
    return days * 86400 + field(m, 1) * 3600 + field(m, 2) * 60 + field(m, 3);
  }
  m = core::regex_perform(text, R"(^(\d+)-(\d+)-(\d+)\s*(\d*):{0,1}(\d*):{0,1}(\d*))");
  if (m.count == 0) {
    m = core::regex_perform(text, R"(^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2}))");
  }
  if (m.count == 0) return 0;
  std::int64_t days = days_from_civil(field(m, 1), field(m, 2), field(m, 3));
  return days * 86400 + field(m, 4) * 3600 + field(m, 5) * 60 + field(m, 6);
}

class Builder {
 public:
  explicit Builder(SayResult& result) : r_(result) {}
  void file(std::string name) { r_.files.push_back(std::move(name)); }
  bool fail(std::string why) {
    r_.error = std::move(why);
    return false;
  }

  // play_group: hundreds, tens and units of one three-digit group, then `what` when nonzero.
  void group(Method method, int a, int b, int c, std::string_view what) {
    if (a) {
      file(fmt::format("digits/{}", a));
      file("digits/hundred");
    }
    if (b) {
      if (b > 1) {
        file(c == 0 && method == Method::kCounted ? fmt::format("digits/h-{}0", b)
                                                  : fmt::format("digits/{}0", b));
      } else {
        file(fmt::format("digits/{}{}", b, c));  // 10..19 have files of their own
        c = 0;
      }
    }
    if (c)
      file(method == Method::kCounted ? fmt::format("digits/h-{}", c)
                                      : fmt::format("digits/{}", c));
    if (!what.empty() && (a || b || c)) file(std::string(what));
  }

  // en_say_general_count.
  bool count(std::string_view text, Method method) {
    std::string digits;
    if (method == Method::kIterated) {
      if (!strip_commas(text, digits)) return fail("Parse Error!");
      for (char d : digits) file(fmt::format("digits/{}", d));
      return true;
    }
    if (!strip_commas(text, digits) || digits.size() > 9) return fail("Parse Error!");
    int in = text::c_atoi(digits);
    if (in == 0) {
      file("digits/0");
      return true;
    }
    switch (method) {
      case Method::kPronouncedYear: {
        int a = in / 100;
        int b = in % 100;
        if (!b || !(a % 10)) return number(in, Method::kPronounced);
        return number(a, Method::kPronounced) && number(b, Method::kPronounced);
      }
      case Method::kCounted:
      case Method::kPronounced: {
        std::array<int, 9> places{};
        for (int x = 8, rest = in, scale = 100000000; x >= 0; --x, scale /= 10) {
          places[static_cast<std::size_t>(x)] = rest / scale;
          rest %= scale;
        }
        group(Method::kPronounced, places[8], places[7], places[6], "digits/million");
        group(Method::kPronounced, places[5], places[4], places[3], "digits/thousand");
        group(method, places[2], places[1], places[0], {});
        return true;
      }
      default:
        return true;  // other methods say nothing for a nonzero number
    }
  }

  // say_num: a number printed as unsigned and counted as items.
  bool number(long long n, Method method) {
    return count(std::to_string(static_cast<unsigned>(n)), method);
  }

  bool time(Type type, Method method, std::string_view text, const SayClock& clock);
  bool money(std::string_view text, Method method);
  bool ip(std::string_view text, Method method);
  void telephone(std::string_view text);
  void spell(Type type, std::string_view text);

 private:
  SayResult& r_;
};

bool Builder::time(Type type, Method method, std::string_view text, const SayClock& clock) {
  if (type == Type::kTimeMeasurement) {
    long long hours = 0;
    long long minutes = 0;
    long long seconds = 0;
    if (std::size_t last = text.rfind(':'); last != std::string_view::npos) {
      // "[h:]m:s"
      seconds = text::c_atoi(text.substr(last + 1));
      std::string_view head = text.substr(0, last);
      if (std::size_t first = head.find(':'); first != std::string_view::npos) {
        minutes = text::c_atoi(head.substr(first + 1));
        hours = text::c_atoi(head.substr(0, first));
      } else {
        minutes = text::c_atoi(head);
      }
    } else {
      seconds = text::c_atol(text);
      if (seconds <= 0) seconds = clock.now_epoch_s;
      hours = seconds / 3600;
      minutes = seconds / 60 % 60;
      seconds %= 60;
    }
    auto part = [&](long long n, std::string_view one, std::string_view many) {
      if (n) {
        if (!number(n, Method::kPronounced)) return false;
        file(std::string(n == 1 ? one : many));
      } else {
        file("digits/0");
        file(std::string(many));
      }
      return true;
    };
    return part(hours, "time/hour", "time/hours") && part(minutes, "time/minute", "time/minutes") &&
           part(seconds, "time/second", "time/seconds");
  }

  // A date text (when it has a ':'), else an epoch second, else now.
  std::int64_t target = 0;
  if (text.find(':') != std::string_view::npos) target = date_text_epoch(text, clock);
  if (!target) {
    target = text::c_atol(text);
    if (target <= 0) target = clock.now_epoch_s;
  }
  std::tm tm = clock.breakdown(target);
  std::tm now = clock.breakdown(clock.now_epoch_s);

  bool say_date = false, say_time = false, say_year = false, say_month = false;
  bool say_dow = false, say_day = false, say_yesterday = false, say_today = false;
  switch (type) {
    case Type::kCurrentDateTime:
      say_date = say_time = true;
      break;
    case Type::kCurrentDate:
      say_date = true;
      break;
    case Type::kCurrentTime:
      say_time = true;
      break;
    case Type::kShortDateTime:
      say_time = true;
      if (tm.tm_year > now.tm_year || (tm.tm_year == now.tm_year && tm.tm_mon > now.tm_mon) ||
          (tm.tm_year == now.tm_year && tm.tm_mon == now.tm_mon && tm.tm_mday > now.tm_mday)) {
        say_date = true;  // the future
      } else if (tm.tm_year != now.tm_year) {
        say_date = true;
      } else if (tm.tm_yday == now.tm_yday) {
        say_today = true;
      } else if (tm.tm_yday == now.tm_yday - 1) {
        say_yesterday = true;
      } else if (tm.tm_yday >= now.tm_yday - 5) {
        say_dow = true;
      } else {
        say_month = say_day = say_dow = true;
      }
      break;
    default:
      break;
  }
  if (say_date) {
    say_year = say_month = say_day = say_dow = true;
    say_today = say_yesterday = false;
  }
  if (say_today) file("time/today");
  if (say_yesterday) file("time/yesterday");
  if (say_dow) file(fmt::format("time/day-{}", tm.tm_wday));
  if (say_month) file(fmt::format("time/mon-{}", tm.tm_mon));
  if (say_day && !number(tm.tm_mday, Method::kCounted)) return false;
  if (say_year && !number(tm.tm_year + 1900, Method::kPronouncedYear)) return false;
  if (!say_time) return true;

  int hour = tm.tm_hour;
  if (say_date || say_today || say_yesterday || say_dow) file("time/at");
  if (method == Method::kIterated) {  // military time
    if (hour == 0 && tm.tm_min == 0) hour = 24;
    if (hour < 10 && !number(0, Method::kPronounced)) return false;
    if (!number(hour, Method::kPronounced)) return false;
    if (tm.tm_min > 9) {
      if (!number(tm.tm_min, Method::kPronounced)) return false;
    } else if (tm.tm_min) {
      if (!number(0, Method::kPronounced) || !number(tm.tm_min, Method::kPronounced)) return false;
    } else {
      file("digits/hundred");
    }
    file("time/hours");
    return true;
  }
  bool pm = hour >= 12;
  if (hour > 12) {
    hour -= 12;
  } else if (hour == 0) {
    hour = 12;
  }
  if (!number(hour, Method::kPronounced)) return false;
  if (tm.tm_min > 9) {
    if (!number(tm.tm_min, Method::kPronounced)) return false;
  } else if (tm.tm_min) {
    file("time/oh");
    if (!number(tm.tm_min, Method::kPronounced)) return false;
  } else {
    file("time/oclock");
  }
  file(pm ? "time/p-m" : "time/a-m");
  return true;
}

// en_say_money: at most 15 bytes in; only digits . - + are kept; cents cut to two digits.
// The counts' own parse errors do not stop it (FreeSWITCH ignores their status).
bool Builder::money(std::string_view text, Method method) {
  if (text.size() > 15) return fail("Parse Error!");
  std::string kept;
  for (char c : text) {
    if ((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+') kept += c;
  }
  std::string_view dollars = kept;
  std::optional<std::string_view> cents;
  if (std::size_t dot = dollars.find('.'); dot != std::string_view::npos) {
    cents = dollars.substr(dot + 1, 2);
    dollars = dollars.substr(0, dot);
  }
  if (!kept.empty() && kept[0] == '+') dollars.remove_prefix(1);
  if (!kept.empty() && kept[0] == '-') {
    file("currency/negative");
    dollars.remove_prefix(1);
  }
  count(dollars, method);
  file(text::c_atoi(dollars) == 1 ? "currency/dollar" : "currency/dollars");
  if (cents) {
    file("currency/and");
    count(*cents, method);
    file(text::c_atoi(*cents) == 1 ? "currency/cent" : "currency/cents");
  }
  return true;
}

// say_ip: four dotted parts, each said as a number with "dot" between; fewer dots say nothing.
bool Builder::ip(std::string_view text, Method method) {
  std::array<std::string_view, 4> parts;
  std::string_view rest = text;
  for (std::size_t i = 0; i < 3; ++i) {
    std::size_t dot = rest.find('.');
    if (dot == std::string_view::npos) return true;
    parts[i] = rest.substr(0, dot);
    rest.remove_prefix(dot + 1);
  }
  parts[3] = rest;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) file("digits/dot");
    if (!number(text::c_atoi(parts[i]), method)) return true;  // the sequence so far still plays
  }
  return true;
}

// say_telephone_number: digits, letters and '+' as ascii/<code>, one 100 ms pause for each run
// of anything else.
void Builder::telephone(std::string_view text) {
  bool silence = false;
  for (char ch : text) {
    int a = std::tolower(static_cast<unsigned char>(ch));
    if (a >= '0' && a <= '9') {
      file(fmt::format("digits/{}", static_cast<char>(a)));
      silence = false;
    } else if (a == '+' || (a >= 'a' && a <= 'z')) {
      file(fmt::format("ascii/{}", a));
      silence = false;
    } else if (!silence) {
      file("silence_stream://100");
      silence = true;
    }
  }
}

// say_spell: digits as digits, everything else as ascii/<code> or phonetic-ascii/<code>.
void Builder::spell(Type type, std::string_view text) {
  for (char ch : text) {
    int a = std::tolower(static_cast<unsigned char>(ch));
    if (a >= '0' && a <= '9') {
      file(fmt::format("digits/{}", static_cast<char>(a)));
    } else {
      file(fmt::format("{}/{}", type == Type::kNameSpelled ? "ascii" : "phonetic-ascii", a));
    }
  }
}

}  // namespace

Type type_by_name(std::string_view name) {
  for (std::size_t i = 0; i < kTypeNames.size(); ++i) {
    if (protocol::iequals(kTypeNames[i], name)) return static_cast<Type>(i);
  }
  return Type::kUnknown;
}

Method method_by_name(std::string_view name) {
  for (std::size_t i = 0; i < kMethodNames.size(); ++i) {
    if (protocol::iequals(kMethodNames[i], name)) return static_cast<Method>(i);
  }
  return Method::kUnknown;
}

SayResult say_en(Type type, Method method, std::string_view text, const SayClock& clock) {
  SayResult result;
  Builder b(result);
  switch (type) {
    case Type::kNumber:
    case Type::kItems:
    case Type::kPersons:
    case Type::kMessages:
      result.ok = b.count(text, method);
      break;
    case Type::kTimeMeasurement:
    case Type::kCurrentDate:
    case Type::kCurrentTime:
    case Type::kCurrentDateTime:
    case Type::kShortDateTime:
      result.ok = b.time(type, method, text, clock);
      break;
    case Type::kIpAddress:
      result.ok = b.ip(text, method);
      break;
    case Type::kNameSpelled:
    case Type::kNamePhonetic:
      b.spell(type, text);
      result.ok = true;
      break;
    case Type::kCurrency:
      result.ok = b.money(text, method);
      break;
    case Type::kTelephoneNumber:
      b.telephone(text);
      result.ok = true;
      break;
    default:
      result.error = fmt::format("Unknown Say type=[{}]", static_cast<int>(type));
      break;
  }
  return result;
}

std::string file_string(const std::vector<std::string>& files, std::string_view ext) {
  std::string out;
  for (const auto& f : files) {
    if (out.empty()) {
      out = fmt::format("file_string://{}.{}", f, ext);
    } else if (f.find("://") != std::string::npos) {
      out += fmt::format("!{}", f);
    } else {
      out += fmt::format("!{}.{}", f, ext);
    }
  }
  return out;
}

}  // namespace es::sw::say
