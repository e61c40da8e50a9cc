// What every listener of a server shares: runtime, configuration, hooks into the
// configuration (ACL, directory) and the executor that runs blocking API commands.
#pragma once

#include <asio/thread_pool.hpp>

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/runtime.hpp"
#include "eventsocket/auth_throttle.hpp"
#include "eventsocket/connection_limits.hpp"
#include "eventsocket/server_metrics.hpp"
#include "eventsocket/write_queue.hpp"

namespace es::eventsocket {

// Result of a userauth lookup (docs/wire-protocol.md §3.3); lists are the raw parameter values.
struct UserAuthOutcome {
  bool accepted = false;
  std::string user;                           // user@domain
  std::optional<std::string> allowed_events;  // nullopt: all
  std::optional<std::string> allowed_api;     // nullopt: all
  bool allowed_log = true;
};

struct ListenerSettings {
  std::string password = "ClueCon";
  WriteQueueLimits limits;
  int auth_timeout_s = 25;
  int body_timeout_s = 25;           // a frame whose announced body never arrives
  int tls_handshake_timeout_s = 10;  // TLS connections: the handshake must end before this
  int kill_grace_ms = 2000;          // how long a killed listener may take to write its notice
  int max_lost_before_kill = 500;
  std::size_t max_jobs_in_flight = 1024;  // per connection; the reader waits beyond it
  // Per connection, as each is checked for every event: a `filter` add beyond max_filters
  // answers "-ERR too many filters" (nothing added); an `event ... CUSTOM` naming a subclass
  // beyond max_subclasses answers "-ERR too many event subclasses" (the words before it stay
  // applied, as after "-ERR permission denied").
  std::size_t max_filters = 256;
  std::size_t max_subclasses = 256;
  // json-numeric-headers of event_socket.conf: a `json` format word gives JSON whose
  // number-like header values are numbers, as `json-numeric` does (docs/event-formats.md §4.5).
  bool json_numeric_headers = false;
  // Files (docs/security-rights.md). allowed-file-dirs of event_socket.conf: when set, every
  // client's file arguments must lie below one of these directories.
  std::optional<std::vector<std::string>> allowed_file_dirs;
  // Where userauth users and outbound servers without `full` may reach files when
  // allowed-file-dirs is not set: the switch's recordings and sounds directories (empty: none).
  std::vector<std::string> confined_file_dirs;
  // Accepted connections beyond these are closed at once (0: no cap). Outbound connections
  // (made by the switch) are not counted.
  std::size_t max_connections = 20000;
  std::size_t max_unauthenticated_per_address = 12000;
};

struct ServerContext {
  core::Runtime& runtime;
  ListenerSettings settings;
  asio::thread_pool& workers;
  std::function<UserAuthOutcome(std::string_view arg)> userauth;  // null: userauth refused
  AuthThrottle throttle;
  ConnectionLimits connections;
  // Queue bytes dropped at once (killed or closed listeners): the daemon hands freed memory
  // back to the system when this grows, instead of keeping a stuck subscriber's peak.
  std::atomic<std::size_t> released_bytes{0};
  ServerMetrics metrics;
};

}  // namespace es::eventsocket
