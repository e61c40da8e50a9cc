#include "gateway/gateway_options.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>
#include <unordered_set>

namespace es::gateway {
namespace {

std::optional<unsigned short> read_port(std::string_view text) {
  unsigned value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || value == 0 || value > 65535) return std::nullopt;
  return static_cast<unsigned short>(value);
}

std::optional<std::size_t> read_count(std::string_view text) {
  std::size_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

void note(std::string* error, const std::string& line) {
  if (error == nullptr) return;
  if (!error->empty()) error->push_back('\n');
  error->append(line);
}

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

char upper(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

// Names travel in `api @name` and in event headers: keep them to plain words.
bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!is_word_char(c)) return false;
  }
  return true;
}

}  // namespace

GatewayOptions read_gateway_options(pugi::xml_node event_socket_conf, std::string* error) {
  GatewayOptions options;
  pugi::xml_node upstreams = event_socket_conf.child("upstreams");
  if (!upstreams) return options;
  for (pugi::xml_node param : upstreams.children("param")) {
    std::string_view name = param.attribute("name").value();
    std::string_view value = param.attribute("value").value();
    auto count = read_count(value);
    if (name == "replay-events" && count) {
      options.replay_events = *count;
    } else if (name == "replay-bytes" && count) {
      options.replay_bytes = *count;
    } else if (name == "reconnect-initial-ms" && count && *count > 0) {
      options.reconnect_initial = std::chrono::milliseconds(*count);
    } else if (name == "reconnect-max-ms" && count && *count > 0) {
      options.reconnect_max = std::chrono::milliseconds(*count);
    } else if (name == "log-level") {
      options.upstream_log_level = value == "none" ? std::string() : std::string(value);
    } else if (name == "command-timeout-ms" && count && *count > 0) {
      options.command_timeout = std::chrono::milliseconds(*count);
    } else if (name == "subscription" && (value == "union" || value == "all")) {
      options.subscription = value == "all" ? SubscriptionMode::kAll : SubscriptionMode::kUnion;
    } else if (name == "unsubscribe-delay-ms" && count) {
      options.unsubscribe_delay = std::chrono::milliseconds(*count);
    } else {
      note(error, fmt::format("upstreams: ignored param {}={}", name, value));
    }
  }
  std::unordered_set<std::string> names;
  for (pugi::xml_node node : upstreams.children("upstream")) {
    UpstreamSpec spec;
    spec.name = node.attribute("name").value();
    if (!valid_name(spec.name) || !names.insert(spec.name).second) {
      note(error,
           fmt::format("upstreams: upstream without a valid unique name ({}) ignored", spec.name));
      continue;
    }
    bool usable = true;
    for (pugi::xml_node param : node.children("param")) {
      std::string_view name = param.attribute("name").value();
      std::string_view value = param.attribute("value").value();
      if (name == "host") {
        spec.host = value;
      } else if (name == "port") {
        auto port = read_port(value);
        if (!port) {
          note(error, fmt::format("upstream {}: bad port {}", spec.name, value));
          usable = false;
        } else {
          spec.port = *port;
        }
      } else if (name == "password") {
        spec.password = value;
      } else if (name == "user") {
        spec.user = value;
      } else {
        note(error, fmt::format("upstream {}: ignored param {}", spec.name, name));
      }
    }
    spec.password = upstream_password_from_environment(spec.name, spec.password);
    if (usable) options.upstreams.push_back(std::move(spec));
  }
  return options;
}

std::optional<UpstreamSpec> parse_upstream_argument(std::string_view text, std::string* error) {
  auto fail = [&](std::string_view why) -> std::optional<UpstreamSpec> {
    if (error) *error = fmt::format("--upstream {}: {} (expected NAME=HOST:PORT)", text, why);
    return std::nullopt;
  };
  const std::size_t equals = text.find('=');
  if (equals == std::string_view::npos) return fail("no '='");
  UpstreamSpec spec;
  spec.name = text.substr(0, equals);
  if (!valid_name(spec.name)) return fail("bad name");
  std::string_view address = text.substr(equals + 1);
  const std::size_t colon = address.rfind(':');
  if (colon == std::string_view::npos) return fail("no port");
  std::string_view host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) return fail("no host");
  auto port = read_port(address.substr(colon + 1));
  if (!port) return fail("bad port");
  spec.host = host;
  spec.port = *port;
  return spec;
}

std::string upstream_password_from_environment(std::string_view name, std::string fallback) {
  std::string variable = "EVENTSWITCH_UPSTREAM_PASSWORD_";
  for (char c : name) variable.push_back(c == '-' || c == '.' ? '_' : upper(c));
  if (const char* value = std::getenv(variable.c_str()); value && *value) return value;
  if (const char* value = std::getenv("EVENTSWITCH_UPSTREAM_PASSWORD"); value && *value) {
    return value;
  }
  return fallback;
}

}  // namespace es::gateway
