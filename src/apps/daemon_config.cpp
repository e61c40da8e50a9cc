#include "apps/daemon_config.hpp"

#include <fmt/format.h>

#include "eventsocket/directory_auth.hpp"

namespace es::apps {

void DaemonConfig::seed_core_variables(const std::string& conf_dir) {
  // FreeSWITCH sets these before reading its XML; stock vars.xml refers to them.
  auto& globals = runtime_.globals();
  const auto& identity = runtime_.identity();
  globals.set("hostname", identity.hostname);
  globals.set("switchname", identity.switchname);
  globals.set("core_uuid", identity.core_uuid);
  globals.set("local_ip_v4", identity.ipv4.empty() ? "127.0.0.1" : identity.ipv4);
  globals.set("local_ip_v6", identity.ipv6.empty() ? "::1" : identity.ipv6);
  auto local = eventsocket::guess_local_network(globals);
  globals.set("local_mask_v4", local.mask);
  if (!conf_dir.empty()) globals.set("conf_dir", conf_dir);
}

bool DaemonConfig::load(const std::string& conf_dir, std::string* error) {
  seed_core_variables(conf_dir);
  if (!conf_dir.empty()) {
    auto result = core::XmlConfig::load_directory(conf_dir, runtime_.globals());
    for (const auto& warning : result.warnings) {
      ES_LOG(runtime_.log(), core::LogLevel::kWarning, "{}", warning);
    }
    if (!result) {
      *error = result.error;
      return false;
    }
    store_.replace(result.config);
  }
  auto loaded = eventsocket::load_event_socket_config(store_.current().get());
  for (const auto& warning : loaded.warnings) {
    ES_LOG(runtime_.log(), core::LogLevel::kWarning, "{}", warning);
  }
  event_socket_ = loaded.config;
  rebuild_network_lists();
  return true;
}

void DaemonConfig::rebuild_network_lists() {
  std::vector<std::string> warnings;
  auto local = eventsocket::guess_local_network(runtime_.globals());
  auto lists = eventsocket::NetworkLists::build(store_.current().get(), local, &warnings);
  for (const auto& warning : warnings) {
    ES_LOG(runtime_.log(), core::LogLevel::kWarning, "{}", warning);
  }
  std::lock_guard lock(mutex_);
  lists_ = std::move(lists);
}

std::string DaemonConfig::reload() {
  auto result = store_.reload(runtime_.globals());
  if (!result) return result.error;
  rebuild_network_lists();
  return {};
}

bool DaemonConfig::acl_allows(const asio::ip::address& peer) const {
  std::shared_ptr<const eventsocket::NetworkLists> lists;
  {
    std::lock_guard lock(mutex_);
    lists = lists_;
  }
  if (!lists) return false;
  for (const std::string& acl : event_socket_.apply_inbound_acl) {
    if (lists->check(peer, acl)) continue;
    // FreeSWITCH's wording (mod_event_socket.c), which log watchers such as fail2ban match.
    ES_LOG(runtime_.log(), core::LogLevel::kWarning, "IP {} Rejected by acl \"{}\"",
           peer.to_string(), acl);
    return false;
  }
  return true;
}

void DaemonConfig::apply(eventsocket::ServerOptions& options) {
  options.listen_ip = event_socket_.listen_ip;
  options.listen_port = event_socket_.listen_port;
  options.listener.password = event_socket_.password;
  options.listener.limits.max_events = event_socket_.max_queue_events;
  options.listener.limits.max_logs = event_socket_.max_queue_events;
  options.listener.limits.max_bytes = event_socket_.max_queue_bytes;
  options.listener.auth_timeout_s = event_socket_.auth_timeout_s;
  options.listener.body_timeout_s = event_socket_.body_timeout_s;
  options.listener.max_lost_before_kill = event_socket_.max_lost_before_kill;
  options.listener.allowed_file_dirs = event_socket_.allowed_file_dirs;
  options.listener.max_jobs_in_flight = event_socket_.max_bgapi_jobs;
  options.listener.max_connections = event_socket_.max_connections;
  options.listener.max_unauthenticated_per_address = event_socket_.max_unauthenticated_per_address;
  options.listener.max_filters = event_socket_.max_filters;
  options.listener.max_subclasses = event_socket_.max_subclasses;
  options.listener.json_numeric_headers = event_socket_.json_numeric_headers;
  options.acl_allows = [this](const asio::ip::address& peer) { return acl_allows(peer); };
  options.userauth = [this](std::string_view arg) {
    auto config = store_.current();
    auto result = eventsocket::authenticate_directory_user(*config, arg);
    eventsocket::UserAuthOutcome outcome;
    outcome.accepted = result.accepted;
    outcome.user = result.user;
    outcome.allowed_events = result.allowed_events;
    outcome.allowed_api = result.allowed_api;
    outcome.allowed_log = result.allowed_log;
    return outcome;
  };
}

}  // namespace es::apps
