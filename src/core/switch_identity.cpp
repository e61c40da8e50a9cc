#include "core/switch_identity.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <limits>

#include "core/uuid.hpp"

namespace es::core {
namespace {

std::string detect_hostname() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "localhost";
  return name;
}

// The local address the kernel would use to reach `remote`: connecting a UDP socket only
// selects a route, nothing is sent.
std::string route_source_address(int family, const sockaddr* remote, socklen_t remote_len) {
  const int fd = ::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return {};
  std::string result;
  sockaddr_storage local{};
  socklen_t local_len = sizeof local;
  if (::connect(fd, remote, remote_len) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) == 0) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* address =
        family == AF_INET
            ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(&local)->sin_addr)
            : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(&local)->sin6_addr);
    if (::inet_ntop(family, address, text, sizeof text)) result = text;
  }
  ::close(fd);
  return result;
}

std::string guess_ipv4() {
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_port = htons(53);
  ::inet_pton(AF_INET, "8.8.8.8", &remote.sin_addr);
  std::string address =
      route_source_address(AF_INET, reinterpret_cast<sockaddr*>(&remote), sizeof remote);
  if (!address.empty() && address != "0.0.0.0") return address;

  // No default route: take the first running non-loopback interface address.
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) == 0) {
    for (ifaddrs* entry = list; entry; entry = entry->ifa_next) {
      if (!entry->ifa_addr || entry->ifa_addr->sa_family != AF_INET) continue;
      if ((entry->ifa_flags & IFF_LOOPBACK) || !(entry->ifa_flags & IFF_UP)) continue;
      char text[INET_ADDRSTRLEN] = {};
      if (::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(entry->ifa_addr)->sin_addr, text,
                      sizeof text)) {
        address = text;
        break;
      }
    }
    ::freeifaddrs(list);
  }
  return address.empty() ? "127.0.0.1" : address;
}

std::string guess_ipv6() {
  sockaddr_in6 remote{};
  remote.sin6_family = AF_INET6;
  remote.sin6_port = htons(53);
  ::inet_pton(AF_INET6, "2001:4860:4860::8888", &remote.sin6_addr);
  std::string address =
      route_source_address(AF_INET6, reinterpret_cast<sockaddr*>(&remote), sizeof remote);
  return address.empty() || address == "::" ? "::1" : address;
}

std::string_view base_name(std::string_view path) {
  const std::size_t slash = path.find_last_of("/\\");
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

template <typename Integer>
std::string decimal(Integer value) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof digits, value);
  return std::string(digits, result.ptr);
}

void split_epoch(std::int64_t epoch_us, std::time_t& seconds) {
  seconds = static_cast<std::time_t>(epoch_us / 1000000);
  if (epoch_us % 1000000 < 0) --seconds;
}

}  // namespace

std::string_view bare_function_name(std::string_view signature) {
  int template_depth = 0;
  std::size_t open_paren = std::string_view::npos;
  for (std::size_t i = 0; i < signature.size(); ++i) {
    const char c = signature[i];
    if (c == '<') ++template_depth;
    if (c == '>' && template_depth > 0) --template_depth;
    if (c == '(' && template_depth == 0) {
      // Clang spells an unnamed namespace "(anonymous namespace)" (GCC: "{anonymous}").
      constexpr std::string_view kAnonymous = "(anonymous namespace)";
      if (signature.substr(i).starts_with(kAnonymous)) {
        i += kAnonymous.size() - 1;
        continue;
      }
      open_paren = i;
      break;
    }
  }
  if (open_paren == std::string_view::npos) return signature;
  std::size_t begin = open_paren;
  while (begin > 0) {
    const char c = signature[begin - 1];
    const bool identifier = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '_' || c == '~';
    if (!identifier) break;
    --begin;
  }
  if (begin == open_paren) return signature.substr(0, open_paren);
  return signature.substr(begin, open_paren - begin);
}

SwitchIdentity SwitchIdentity::detect(const Clock& clock) {
  SwitchIdentity identity;
  identity.core_uuid = make_uuid();
  identity.hostname = detect_hostname();
  identity.switchname = identity.hostname;
  identity.ipv4 = guess_ipv4();
  identity.ipv6 = guess_ipv6();
  identity.start_epoch_us = clock.now_epoch_us();
  return identity;
}

Event EventFactory::create(EventType type, std::string_view subclass, std::source_location where) {
  Event event(type);
  if (type != EventType::kClone) prepare(event, where);
  if (!subclass.empty() && (type == EventType::kCustom || type == EventType::kClone)) {
    event.set_subclass(subclass);
  }
  return event;
}

namespace {

// The two date headers change once a second but cost a localtime_r (under glibc's time zone
// lock), a strftime and a snprintf each: every thread keeps the last second's text. The time
// zone takes part in the key, so a tzset() to another zone is seen at once.
struct DateTexts {
  std::time_t second = std::numeric_limits<std::time_t>::min();
  long zone_offset = 0;
  const char* zone_name = nullptr;
  std::string local;
  std::string gmt;
};

const DateTexts& date_texts(std::int64_t epoch_us) {
  thread_local DateTexts cached;
  std::time_t second;
  split_epoch(epoch_us, second);
  if (second != cached.second || ::timezone != cached.zone_offset ||
      ::tzname[0] != cached.zone_name) {
    cached.local = format_local_date(epoch_us);
    cached.gmt = format_gmt_date(epoch_us);
    cached.second = second;
    cached.zone_offset = ::timezone;
    cached.zone_name = ::tzname[0];
  }
  return cached;
}

// Event-Calling-Function: the call site's signature reduced to its name; a call site keeps
// the same signature pointer, so each thread remembers the last one.
std::string_view calling_function(const char* signature) {
  thread_local const char* last_signature = nullptr;
  thread_local std::string_view last_name;
  if (signature != last_signature) {
    last_name = bare_function_name(signature);
    last_signature = signature;
  }
  return last_name;
}

// Digits of an unsigned value in a caller's buffer (no allocation).
template <typename Integer>
std::string_view decimal_view(Integer value, std::array<char, 24>& digits) {
  const auto result = std::to_chars(digits.data(), digits.data() + digits.size(), value);
  return std::string_view(digits.data(), static_cast<std::size_t>(result.ptr - digits.data()));
}

}  // namespace

void EventFactory::prepare(Event& event, std::source_location where) {
  const std::uint64_t sequence = sequence_.fetch_add(1, std::memory_order_relaxed) + 1;
  const std::int64_t now_us = clock_.now_epoch_us();
  const DateTexts& dates = date_texts(now_us);
  std::array<char, 24> digits;
  event.add_header("Event-Name", event_type_name(event.type()));
  event.add_header("Core-UUID", identity_.core_uuid);
  event.add_header("FreeSWITCH-Hostname", identity_.hostname);
  event.add_header("FreeSWITCH-Switchname", identity_.switchname);
  event.add_header("FreeSWITCH-IPv4", identity_.ipv4);
  event.add_header("FreeSWITCH-IPv6", identity_.ipv6);
  event.add_header("Event-Date-Local", dates.local);
  event.add_header("Event-Date-GMT", dates.gmt);
  event.add_header("Event-Date-Timestamp", decimal_view(now_us, digits));
  event.add_header("Event-Calling-File", base_name(where.file_name()));
  event.add_header("Event-Calling-Function", calling_function(where.function_name()));
  event.add_header("Event-Calling-Line-Number", decimal_view(where.line(), digits));
  event.add_header("Event-Sequence", decimal_view(sequence, digits));
}

std::string format_local_date(std::int64_t epoch_us) {
  std::time_t seconds;
  split_epoch(epoch_us, seconds);
  std::tm local{};
  localtime_r(&seconds, &local);
  char text[64];
  const std::size_t length = std::strftime(text, sizeof text, "%Y-%m-%d %T", &local);
  return std::string(text, length);
}

std::string format_gmt_date(std::int64_t epoch_us) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t seconds;
  split_epoch(epoch_us, seconds);
  std::tm gmt{};
  gmtime_r(&seconds, &gmt);
  char text[64];
  const int length = std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d GMT",
                                   kDays[gmt.tm_wday], gmt.tm_mday, kMonths[gmt.tm_mon],
                                   gmt.tm_year + 1900, gmt.tm_hour, gmt.tm_min, gmt.tm_sec);
  return std::string(text, length > 0 ? static_cast<std::size_t>(length) : 0);
}

std::string format_uptime(std::int64_t elapsed_us) {
  if (elapsed_us < 0) elapsed_us = 0;
  const auto total = static_cast<std::uint64_t>(elapsed_us);
  std::uint64_t rest = total / 1000;
  const std::uint64_t microseconds = total % 1000;
  const std::uint64_t milliseconds = rest % 1000;
  rest /= 1000;
  const std::uint64_t seconds = rest % 60;
  rest /= 60;
  const std::uint64_t minutes = rest % 60;
  rest /= 60;
  const std::uint64_t hours = rest % 24;
  rest /= 24;
  const std::uint64_t days = rest % 365;
  const std::uint64_t years = rest / 365;

  std::string out;
  out.reserve(96);
  auto unit = [&out](std::uint64_t count, std::string_view name, bool last) {
    out.append(decimal(count));
    out.push_back(' ');
    out.append(name);
    if (count != 1) out.push_back('s');
    if (!last) out.append(", ");
  };
  unit(years, "year", false);
  unit(days, "day", false);
  unit(hours, "hour", false);
  unit(minutes, "minute", false);
  unit(seconds, "second", false);
  unit(milliseconds, "millisecond", false);
  unit(microseconds, "microsecond", true);
  return out;
}

}  // namespace es::core
