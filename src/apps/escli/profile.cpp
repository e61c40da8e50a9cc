#include "apps/escli/profile.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "core/text/text.hpp"
#include "protocol/ascii.hpp"

namespace es::apps::escli {
namespace {

using protocol::iequals;
using protocol::istarts_with;

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

std::optional<long> parse_number(std::string_view text) {
  long value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// The F-key number in "key_F7" after the prefix; 0 when not 1..12.
std::size_t function_key_number(std::string_view digits) {
  auto number = parse_number(digits);
  return number && *number >= 1 && *number <= static_cast<long>(kFunctionKeys)
             ? static_cast<std::size_t>(*number)
             : 0;
}

// Applies one "key => value" to `profile`; an error text when the key or value is not accepted.
std::string apply_setting(Profile& profile, std::string_view key, std::string_view value) {
  auto set_color = [&](std::string& target) -> std::string {
    auto sequence = color_sequence(value);
    if (!sequence) return fmt::format("unknown colour '{}'", value);
    target = *sequence;
    return {};
  };
  auto set_millis = [&](std::chrono::milliseconds& target) -> std::string {
    auto number = parse_number(value);
    if (!number || *number < 0) return fmt::format("'{}' wants milliseconds, got '{}'", key, value);
    target = std::chrono::milliseconds(*number);
    return {};
  };

  if (iequals(key, "host")) {
    profile.host = value;
  } else if (iequals(key, "port")) {
    auto number = parse_number(value);
    if (!number || *number < 1 || *number > 65535) return fmt::format("bad port '{}'", value);
    profile.port = static_cast<unsigned short>(*number);
  } else if (iequals(key, "user")) {
    profile.user = value;
  } else if (iequals(key, "tls")) {
    profile.tls = truthy(value);
  } else if (iequals(key, "tls-ca")) {
    profile.tls_ca = value;
  } else if (iequals(key, "tls-cert")) {
    profile.tls_cert = value;
  } else if (iequals(key, "tls-key")) {
    profile.tls_key = value;
  } else if (iequals(key, "password")) {
    profile.password = value;
  } else if (iequals(key, "loglevel") || iequals(key, "log-level")) {
    profile.log_level = value;
  } else if (iequals(key, "quiet")) {
    profile.quiet = truthy(value);
  } else if (iequals(key, "batchmode")) {
    profile.batch_mode = truthy(value);
  } else if (iequals(key, "log-uuid")) {
    profile.log_uuid = truthy(value);
  } else if (iequals(key, "log-uuid-short")) {
    profile.log_uuid = truthy(value);
    profile.log_uuid_length = profile.log_uuid ? kShortUuidLength : 0;
  } else if (iequals(key, "log-uuid-length")) {
    auto number = parse_number(value);
    if (!number || *number < 0) return fmt::format("bad log-uuid-length '{}'", value);
    profile.log_uuid_length = static_cast<std::size_t>(*number);
  } else if (iequals(key, "no-history-file")) {
    profile.use_history_file = !truthy(value);
  } else if (iequals(key, "color") || iequals(key, "colour")) {
    profile.color = truthy(value);
  } else if (iequals(key, "no-color")) {
    profile.color = !truthy(value);
  } else if (iequals(key, "json")) {
    profile.json = truthy(value);
  } else if (iequals(key, "prompt-color")) {
    return set_color(profile.prompt_color);
  } else if (iequals(key, "input-text-color")) {
    return set_color(profile.input_text_color);
  } else if (iequals(key, "output-text-color")) {
    return set_color(profile.output_text_color);
  } else if (iequals(key, "prompt-string")) {
    profile.prompt_string = value;
  } else if (istarts_with(key, "key_toggle_F")) {
    std::size_t number = function_key_number(key.substr(12));
    if (number == 0) return fmt::format("no function key '{}' (F1..F12)", key);
    profile.function_keys_toggle[number - 1] = value;
  } else if (istarts_with(key, "key_F")) {
    std::size_t number = function_key_number(key.substr(5));
    if (number == 0) return fmt::format("no function key '{}' (F1..F12)", key);
    profile.function_keys[number - 1] = value;
  } else if (iequals(key, "timeout")) {
    return set_millis(profile.timeout);
  } else if (iequals(key, "connect-timeout")) {
    return set_millis(profile.connect_timeout);
  } else if (iequals(key, "debug")) {
    // fs_cli's own ESL debug level: escli has no library logger to tune, so it is accepted
    // and ignored rather than reported as unknown.
  } else {
    return fmt::format("unknown setting '{}'", key);
  }
  return {};
}

}  // namespace

Profile default_profile(std::string name) {
  Profile profile;
  profile.name = std::move(name);
  profile.function_keys = {"help",         "status",      "show channels", "show calls",
                           "show modules", "reloadxml",   "/log console",  "/log debug",
                           "show api",     "fsctl pause", "fsctl resume",  "version"};
  return profile;
}

ProfileFile parse_profiles(std::string_view text) {
  ProfileFile file;
  Profile* current = nullptr;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    std::size_t end = text.find('\n');
    std::string_view line = trim(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);

    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.starts_with("__END__")) break;
    if (line.front() == '[') {
      std::size_t close = line.find(']');
      std::string_view name =
          close == std::string_view::npos ? "" : trim(line.substr(1, close - 1));
      if (name.empty()) {
        file.warnings.push_back(fmt::format("{}: bad section header '{}'", line_number, line));
        current = nullptr;
        continue;
      }
      auto existing = std::find_if(file.profiles.begin(), file.profiles.end(),
                                   [&](const Profile& p) { return p.name == name; });
      if (existing == file.profiles.end()) {
        file.profiles.push_back(default_profile(std::string(name)));
        current = &file.profiles.back();
      } else {
        current = &*existing;
      }
      continue;
    }
    std::size_t equals = line.find('=');
    if (equals == std::string_view::npos) {
      file.warnings.push_back(
          fmt::format("{}: expected 'key => value', got '{}'", line_number, line));
      continue;
    }
    std::string_view key = trim(line.substr(0, equals));
    std::string_view value = line.substr(equals + 1);
    if (value.starts_with('>')) value.remove_prefix(1);
    value = trim(value);
    if (!current) {
      file.warnings.push_back(
          fmt::format("{}: '{}' outside any [profile] section is ignored", line_number, key));
      continue;
    }
    std::string problem = apply_setting(*current, key, value);
    if (!problem.empty()) file.warnings.push_back(fmt::format("{}: {}", line_number, problem));
  }
  return file;
}

ProfileChoice choose_profile(const ProfileFile& file, const std::string& wanted,
                             const std::string& builtin_name) {
  auto named = [&](std::string_view name) {
    return std::find_if(file.profiles.begin(), file.profiles.end(),
                        [&](const Profile& p) { return p.name == name; });
  };
  if (!wanted.empty()) {
    auto found = named(wanted);
    if (found == file.profiles.end()) return {std::nullopt, fmt::format("no profile '{}'", wanted)};
    return {*found, {}};
  }
  if (auto found = named("default"); found != file.profiles.end()) return {*found, {}};
  if (!file.profiles.empty()) return {file.profiles.front(), {}};
  return {default_profile(builtin_name), {}};
}

std::optional<std::string> color_sequence(std::string_view name) {
  // fs_cli maps "bold-<colour>" to a background sequence (40-47); escli makes it what the name
  // says, the bold foreground.
  static constexpr std::array<std::string_view, 8> kNames = {"black", "red",     "green", "yellow",
                                                             "blue",  "magenta", "cyan",  "white"};
  bool bold = istarts_with(name, "bold-");
  std::string_view base = bold ? name.substr(5) : name;
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (iequals(base, kNames[i])) return fmt::format("\033[{}{}m", bold ? "1;" : "", 30 + i);
  }
  if (iequals(name, "default") || iequals(name, "none")) return std::string("\033[m");
  return std::nullopt;
}

bool truthy(std::string_view value) {
  // FreeSWITCH's switch_true, plus "enable", which escli has always accepted (fs_cli's esl_true
  // differs again: no "t", and any text atoi reads as non-zero).
  return text::switch_true(value) || iequals(value, "enable");
}

std::string expand_prompt(std::string_view pattern, const PromptFacts& facts) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%' || i + 1 == pattern.size()) {
      out += pattern[i];
      continue;
    }
    switch (pattern[++i]) {
      case 's':
        out += facts.switch_name;
        break;
      case 'h':
        out += facts.local_hostname;
        break;
      case 'H':
        out += facts.switch_hostname;
        break;
      case 'p':
        out += facts.profile_name;
        break;
      case 'o':
        out += facts.host;
        break;
      case 'P':
        out += std::to_string(facts.port);
        break;
      case '%':
        out += '%';
        break;
      default:
        break;  // unknown escapes vanish, as in fs_cli
    }
  }
  return out;
}

}  // namespace es::apps::escli
