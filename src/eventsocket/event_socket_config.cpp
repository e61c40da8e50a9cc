#include "eventsocket/event_socket_config.hpp"

#include <asio/ip/address.hpp>

#include <charconv>
#include <string_view>
#include <system_error>

#include "core/text/text.hpp"
#include "protocol/ascii.hpp"

namespace es::eventsocket {
namespace {

template <typename Number>
bool parse_positive(std::string_view text, Number* out) {
  Number value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) return false;
  *out = value;
  return true;
}

}  // namespace

EventSocketConfigResult load_event_socket_config(const core::XmlConfig* xml) {
  EventSocketConfigResult result;
  EventSocketConfig& config = result.config;
  if (!xml) return result;
  pugi::xml_node settings = xml->configuration("event_socket.conf").child("settings");

  std::string listen_ip, password;
  std::vector<std::string> acls;
  for (pugi::xml_node param : settings.children("param")) {
    std::string_view name = param.attribute("name").value();
    const char* value = param.attribute("value").value();
    std::string_view value_view = value;

    auto ours = [&](std::string_view ours_name, auto* field) {
      if (!protocol::iequals(name, ours_name)) return false;
      if (!parse_positive(value_view, field)) {
        result.warnings.push_back("ignoring " + std::string(name) + " '" + std::string(value_view) +
                                  "': not a positive integer");
      }
      return true;
    };

    if (name == "listen-ip") {
      listen_ip = value;
    } else if (name == "debug") {
      config.debug = text::c_atoi(value_view);
    } else if (name == "nat-map") {
      // FreeSWITCH reads it and then forces it off before use.
    } else if (name == "listen-port") {
      config.listen_port = static_cast<std::uint16_t>(text::c_atoi(value_view));
    } else if (name == "password") {
      password = value;
    } else if (protocol::iequals(name, "apply-inbound-acl") && !value_view.empty()) {
      if (acls.size() < EventSocketConfig::kMaxAcls) {
        acls.emplace_back(value);
      } else {
        result.warnings.emplace_back("Max acl records of 100 reached");
      }
    } else if (protocol::iequals(name, "allowed-file-dirs")) {
      std::vector<std::string> dirs;
      for (std::size_t start = 0; start <= value_view.size();) {
        std::size_t end = value_view.find_first_of(",;", start);
        if (end == std::string_view::npos) end = value_view.size();
        std::string_view dir = value_view.substr(start, end - start);
        while (!dir.empty() && dir.front() == ' ') dir.remove_prefix(1);
        while (!dir.empty() && dir.back() == ' ') dir.remove_suffix(1);
        if (!dir.empty()) dirs.emplace_back(dir);
        start = end + 1;
      }
      // Set but empty (or only separators) allows no file at all, which is what it says.
      config.allowed_file_dirs = std::move(dirs);
    } else if (protocol::iequals(name, "tls-cert-file")) {
      config.tls_cert_file = value;
    } else if (protocol::iequals(name, "tls-key-file")) {
      config.tls_key_file = value;
    } else if (protocol::iequals(name, "tls-ca-file")) {
      config.tls_ca_file = value;
    } else if (protocol::iequals(name, "tls-verify-client")) {
      config.tls_verify_client = text::switch_true(value_view);
    } else if (protocol::iequals(name, "tls-listen-ip")) {
      config.tls_listen_ip = value;
    } else if (protocol::iequals(name, "metrics-listen")) {
      config.metrics_listen = value;
    } else if (protocol::iequals(name, "json-numeric-headers")) {
      config.json_numeric_headers = text::switch_true(value_view);
    } else if (protocol::iequals(name, "stop-on-bind-error")) {
      config.stop_on_bind_error = text::switch_true(value_view);
    } else {
      // Unknown names are ignored, as FreeSWITCH does.
      (void)(ours("max-queue-events", &config.max_queue_events) ||
             ours("max-queue-bytes", &config.max_queue_bytes) ||
             ours("auth-timeout", &config.auth_timeout_s) ||
             ours("body-timeout", &config.body_timeout_s) ||
             ours("max-lost-before-kill", &config.max_lost_before_kill) ||
             ours("max-bgapi-jobs", &config.max_bgapi_jobs) ||
             ours("max-connections", &config.max_connections) ||
             ours("max-unauthenticated-per-address", &config.max_unauthenticated_per_address) ||
             ours("max-filters", &config.max_filters) ||
             ours("max-subclasses", &config.max_subclasses) ||
             ours("tls-listen-port", &config.tls_listen_port) ||
             ours("tls-handshake-timeout", &config.tls_handshake_timeout_s));
    }
  }

  if (!listen_ip.empty()) config.listen_ip = listen_ip;
  if (!password.empty()) config.password = password;
  if (!acls.empty()) config.apply_inbound_acl = std::move(acls);
  if (config.listen_port == 0) config.listen_port = 8021;
  config.nat_map = false;
  return result;
}

bool exposes_default_password(std::string_view listen_ip, std::string_view password) {
  if (password != EventSocketConfig{}.password) return false;
  std::error_code ec;
  auto address = asio::ip::make_address(std::string(listen_ip), ec);
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  }
  return ec || !address.is_loopback();
}

}  // namespace es::eventsocket
