// Loads the daemon's configuration (embedded defaults or a FreeSWITCH conf directory) and keeps
// what reloadxml replaces: the XML, the network lists.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "core/runtime.hpp"
#include "core/xml_config.hpp"
#include "eventsocket/acl.hpp"
#include "eventsocket/event_socket_config.hpp"
#include "eventsocket/server.hpp"

namespace es::apps {

class DaemonConfig {
 public:
  explicit DaemonConfig(core::Runtime& runtime) : runtime_(runtime) {}

  // Seeds FreeSWITCH's core variables, then loads `conf_dir` (empty: embedded defaults).
  // Returns false with a one-line reason in *error.
  bool load(const std::string& conf_dir, std::string* error);
  // reloadxml: re-reads the directory and rebuilds the network lists. Returns "" or an error;
  // on error the previous configuration stays.
  std::string reload();

  const eventsocket::EventSocketConfig& event_socket() const { return event_socket_; }
  // Fills the server options from event_socket.conf (ACL and userauth hooks included).
  void apply(eventsocket::ServerOptions& options);
  bool acl_allows(const asio::ip::address& peer) const;
  // The current XML (the switch's dialplan reads it; reloadxml replaces it).
  std::shared_ptr<const core::XmlConfig> xml() const { return store_.current(); }

 private:
  void seed_core_variables(const std::string& conf_dir);
  void rebuild_network_lists();

  core::Runtime& runtime_;
  core::XmlConfigStore store_;
  eventsocket::EventSocketConfig event_socket_;
  mutable std::mutex mutex_;
  std::shared_ptr<const eventsocket::NetworkLists> lists_;
};

}  // namespace es::apps
