#include "sip/sofia/sofia_config.hpp"

#include <fmt/format.h>
#include <asio/ip/address.hpp>
#include <pugixml.hpp>

#include <algorithm>
#include <charconv>
#include <optional>

#include "core/text/text.hpp"
#include "core/xml_config.hpp"
#include "protocol/ascii.hpp"

namespace es::sip::sofia {
namespace {

using core::LogLevel;

// The whole text as a decimal integer in [low, high], or nothing.
std::optional<long long> parse_integer(std::string_view text, long long low, long long high) {
  long long value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end || value < low || value > high) return std::nullopt;
  return value;
}

// Collects the messages of one configuration block ("profile internal", "gateway x").
class Reader {
 public:
  Reader(std::vector<ConfigMessage>& out, std::string where)
      : out_(out), where_(std::move(where)) {}

  void say(LogLevel level, std::string text) {
    out_.push_back({level, fmt::format("{}: {}", where_, text)});
  }
  void bad(std::string_view param, std::string_view value, std::string_view expected,
           std::string_view fallback) {
    say(LogLevel::kErr,
        fmt::format("{} '{}' is not {}; using {}", param, value, expected, fallback));
  }
  void ignored(std::string_view param) {
    say(LogLevel::kDebug, fmt::format("param {} ignored (not used by eventswitch)", param));
  }

  template <typename T>
  void integer(std::string_view param, std::string_view value, long long low, long long high,
               T& field) {
    if (const auto n = parse_integer(value, low, high)) {
      field = static_cast<T>(*n);
    } else {
      bad(param, value, fmt::format("a number from {} to {}", low, high), std::to_string(field));
    }
  }
  void boolean(std::string_view param, std::string_view value, bool& field) {
    if (text::switch_true(value)) {
      field = true;
    } else if (text::switch_false(value)) {
      field = false;
    } else {
      bad(param, value, "true or false", field ? "true" : "false");
    }
  }
  void word(std::string_view param, std::string_view value, std::string& field) {
    if (value.empty()) {
      bad(param, value, "set", field);
    } else {
      field = std::string(value);
    }
  }
  void address(std::string_view param, std::string_view value, std::string_view local_ip,
               std::string& field) {
    if (protocol::iequals(value, "auto")) {
      field = std::string(local_ip);
      return;
    }
    asio::error_code ec;
    asio::ip::make_address(std::string(value), ec);
    if (ec) {
      bad(param, value, "an IP address (or auto)", field);
    } else {
      field = std::string(value);
    }
  }
  void codecs(std::string_view param, std::string_view value, std::vector<std::string>& field) {
    std::vector<std::string> skipped;
    auto list = supported_codecs(value, &skipped);
    for (const auto& codec : skipped) {
      say(LogLevel::kDebug,
          fmt::format("{}: codec {} skipped (eventswitch has PCMU, PCMA)", param, codec));
    }
    if (list.empty()) {
      std::string current;
      for (const auto& codec : field) current += (current.empty() ? "" : ",") + codec;
      bad(param, value, "a list holding PCMU or PCMA", current);
      return;
    }
    field = std::move(list);
  }

 private:
  std::vector<ConfigMessage>& out_;
  std::string where_;
};

void read_gateway(pugi::xml_node node, ProfileConfig& profile,
                  std::vector<ConfigMessage>& messages) {
  GatewayConfig gateway;
  gateway.name = node.attribute("name").as_string();
  Reader reader(messages,
                fmt::format("sofia.conf: profile {}: gateway {}", profile.name, gateway.name));
  if (gateway.name.empty()) {
    reader.say(LogLevel::kErr, "a gateway without a name is ignored");
    return;
  }
  for (const auto& other : profile.gateways) {
    if (other.name == gateway.name) {
      reader.say(LogLevel::kErr, "a second gateway of this name is ignored");
      return;
    }
  }
  if (profile.gateways.size() >= kMaxGatewaysPerProfile) {
    reader.say(LogLevel::kErr,
               fmt::format("ignored: the profile has {} gateways already", kMaxGatewaysPerProfile));
    return;
  }
  for (pugi::xml_node param : node.children("param")) {
    const std::string_view name = param.attribute("name").as_string();
    const std::string_view value = param.attribute("value").as_string();
    if (name == "proxy") {
      gateway.proxy = value;
    } else if (name == "realm") {
      gateway.realm = value;
    } else if (name == "username") {
      gateway.username = value;
    } else if (name == "password") {
      gateway.password = value;
    } else if (name == "register") {
      reader.boolean(name, value, gateway.register_gateway);
    } else if (name == "expire-seconds") {
      // Below 5 s mod_sofia registers every 3600 s instead; so do we (with an error line).
      reader.integer(name, value, 5, 86400LL * 365, gateway.expire_seconds);
    } else {
      reader.ignored(name);
    }
  }
  // As mod_sofia: the realm defaults to the proxy, else the name; the proxy to the realm.
  if (gateway.realm.empty()) gateway.realm = gateway.proxy.empty() ? gateway.name : gateway.proxy;
  if (gateway.proxy.empty()) gateway.proxy = gateway.realm;
  // As mod_sofia: a registering gateway needs credentials; one that does not register sends
  // "FreeSWITCH" as its user.
  if (gateway.register_gateway && (gateway.username.empty() || gateway.password.empty())) {
    reader.say(LogLevel::kErr, "ignored: username and password are required when register is on");
    return;
  }
  if (gateway.username.empty()) gateway.username = "FreeSWITCH";
  profile.gateways.push_back(std::move(gateway));
}

void read_settings(pugi::xml_node settings, std::string_view local_ip, ProfileConfig& profile,
                   Reader& reader) {
  for (pugi::xml_node param : settings.children("param")) {
    const std::string_view name = param.attribute("name").as_string();
    const std::string_view value = param.attribute("value").as_string();
    if (name == "sip-ip") {
      reader.address(name, value, local_ip, profile.sip_ip);
    } else if (name == "rtp-ip") {
      reader.address(name, value, local_ip, profile.rtp_ip);
    } else if (name == "sip-port") {
      reader.integer(name, value, 1, 65535, profile.sip_port);
    } else if (name == "context") {
      reader.word(name, value, profile.context);
    } else if (name == "dialplan") {
      reader.word(name, value, profile.dialplan);
    } else if (name == "auth-calls") {
      reader.boolean(name, value, profile.auth_calls);
    } else if (name == "accept-blind-auth") {
      reader.boolean(name, value, profile.accept_blind_auth);
    } else if (name == "challenge-realm") {
      profile.challenge_realm = std::string(value);
    } else if (name == "force-register-domain") {
      profile.force_register_domain = std::string(value);
    } else if (name == "accept-blind-reg") {
      reader.boolean(name, value, profile.accept_blind_reg);
    } else if (name == "sip-expires-late-margin") {
      reader.integer(name, value, 0, 86400, profile.sip_expires_late_margin);
    } else if (name == "nonce-ttl") {
      reader.integer(name, value, 1, 86400, profile.nonce_ttl);
    } else if (name == "codec-prefs") {
      reader.codecs(name, value, profile.codec_prefs);
      profile.outbound_codec_prefs = profile.codec_prefs;
    } else if (name == "inbound-codec-prefs") {
      reader.codecs(name, value, profile.codec_prefs);
    } else if (name == "outbound-codec-prefs") {
      reader.codecs(name, value, profile.outbound_codec_prefs);
    } else if (name == "dtmf-type") {
      if (protocol::iequals(value, "rfc2833")) {
        profile.dtmf_type = DtmfType::kRfc2833;
      } else if (protocol::iequals(value, "info")) {
        profile.dtmf_type = DtmfType::kInfo;
      } else if (protocol::iequals(value, "none")) {
        profile.dtmf_type = DtmfType::kNone;
      } else {
        reader.bad(name, value, "rfc2833, info or none", dtmf_type_name(profile.dtmf_type));
      }
    } else if (name == "rtp-timeout-sec") {
      reader.integer(name, value, 0, 86400, profile.rtp_timeout_sec);
    } else if (name == "rtp-hold-timeout-sec") {
      reader.integer(name, value, 0, 86400, profile.rtp_hold_timeout_sec);
    } else {
      reader.ignored(name);
    }
  }
}

void read_profile(pugi::xml_node node, std::string_view local_ip, SofiaConfig& config) {
  ProfileConfig profile;
  profile.name = node.attribute("name").as_string();
  profile.sip_ip = std::string(local_ip);
  profile.rtp_ports = config.rtp_ports;
  Reader reader(config.messages, fmt::format("sofia.conf: profile {}", profile.name));
  // The name becomes part of channel names (sofia/<profile>/...) and API arguments.
  if (profile.name.empty() || profile.name.find_first_of("/ \t") != std::string::npos) {
    reader.say(LogLevel::kErr, "ignored: a profile needs a name without '/' or blanks");
    return;
  }
  for (const auto& other : config.profiles) {
    if (other.name == profile.name) {
      reader.say(LogLevel::kErr, "ignored: a profile of this name exists already");
      return;
    }
  }
  if (config.profiles.size() >= kMaxProfiles) {
    reader.say(LogLevel::kErr, fmt::format("ignored: {} profiles are the most", kMaxProfiles));
    return;
  }
  bool rtp_ip_set = false;
  for (pugi::xml_node param : node.child("settings").children("param")) {
    if (std::string_view(param.attribute("name").as_string()) == "rtp-ip") rtp_ip_set = true;
  }
  read_settings(node.child("settings"), local_ip, profile, reader);
  if (!rtp_ip_set) profile.rtp_ip = profile.sip_ip;
  for (pugi::xml_node gateway : node.child("gateways").children("gateway")) {
    read_gateway(gateway, profile, config.messages);
  }
  config.profiles.push_back(std::move(profile));
}

void read_port_range(const core::XmlConfig& xml, SofiaConfig& config) {
  Reader reader(config.messages, "switch.conf");
  rtp::PortRange range;
  for (pugi::xml_node param :
       xml.configuration("switch.conf").child("settings").children("param")) {
    const std::string_view name = param.attribute("name").as_string();
    const std::string_view value = param.attribute("value").as_string();
    if (name == "rtp-start-port") reader.integer(name, value, 1, 65535, range.first);
    if (name == "rtp-end-port") reader.integer(name, value, 1, 65535, range.last);
  }
  // Streams take even ports: the range must hold one.
  if (range.last < ((range.first + 1U) & ~1U)) {
    const rtp::PortRange fallback;
    reader.say(LogLevel::kErr,
               fmt::format("rtp-start-port {} to rtp-end-port {} holds no even port; using {}-{}",
                           range.first, range.last, fallback.first, fallback.last));
    range = fallback;
  }
  config.rtp_ports = range;
}

}  // namespace

std::string GatewayConfig::register_to() const {
  std::string_view host = proxy;
  if (host.size() >= 4 && protocol::iequals(host.substr(0, 4), "sip:")) host.remove_prefix(4);
  return fmt::format("sip:{}@{}", username, host);
}

std::string_view dtmf_type_name(DtmfType type) {
  switch (type) {
    case DtmfType::kRfc2833:
      return "rfc2833";
    case DtmfType::kInfo:
      return "info";
    case DtmfType::kNone:
      return "none";
  }
  return "rfc2833";
}

std::vector<std::string> supported_codecs(std::string_view value,
                                          std::vector<std::string>* skipped) {
  std::vector<std::string> out;
  while (!value.empty()) {
    const auto comma = value.find(',');
    std::string_view item = value.substr(0, comma);
    value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.empty()) continue;
    // PCMU@20i, PCMA@8000h@20i: rate and ptime suffixes; G.711 is 8 kHz, we send 20 ms.
    const std::string_view codec = item.substr(0, item.find('@'));
    std::string name;
    if (protocol::iequals(codec, "PCMU")) name = "PCMU";
    if (protocol::iequals(codec, "PCMA")) name = "PCMA";
    if (name.empty()) {
      if (skipped) skipped->emplace_back(item);
    } else if (std::find(out.begin(), out.end(), name) == out.end()) {
      out.push_back(std::move(name));
    }
  }
  return out;
}

SofiaConfig load_sofia_config(const core::XmlConfig& xml, std::string_view local_ip) {
  SofiaConfig config;
  read_port_range(xml, config);
  const pugi::xml_node sofia = xml.configuration("sofia.conf");
  if (!sofia) return config;
  config.present = true;
  for (pugi::xml_node profile : sofia.child("profiles").children("profile")) {
    read_profile(profile, local_ip, config);
  }
  if (config.profiles.empty()) {
    config.messages.push_back({LogLevel::kWarning, "sofia.conf: no usable profile"});
  }
  return config;
}

std::vector<ProfileConfig> profiles_to_start(const SofiaConfig& config,
                                             const std::optional<std::string>& sip_ip,
                                             std::optional<int> sip_port) {
  std::vector<ProfileConfig> profiles;
  if (config.present) {
    profiles = config.profiles;
  } else if (sip_port) {
    profiles.emplace_back();
    profiles.back().rtp_ports = config.rtp_ports;
  }
  if (profiles.empty()) return profiles;
  auto target = std::find_if(profiles.begin(), profiles.end(),
                             [](const ProfileConfig& p) { return p.name == "internal"; });
  if (target == profiles.end()) target = profiles.begin();
  if (sip_ip) target->sip_ip = target->rtp_ip = *sip_ip;
  if (sip_port) target->sip_port = static_cast<std::uint16_t>(*sip_port);
  return profiles;
}

}  // namespace es::sip::sofia
