// What every listener of a server shares: runtime, configuration, hooks into the
// configuration (ACL, directory) and the executor that runs blocking API commands.
#pragma once

#include <asio/thread_pool.hpp>

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/runtime.hpp"
#include "core/session_control.hpp"
#include "eventsocket/auth_throttle.hpp"
#include "eventsocket/connection_limits.hpp"
#include "eventsocket/outbound_queue.hpp"

namespace es::eventsocket {

// Result of a userauth lookup (protocol.md 3.3); lists are the raw parameter values.
struct UserAuthOutcome {
  bool accepted = false;
  std::string user;                           // user@domain
  std::optional<std::string> allowed_events;  // nullopt: all
  std::optional<std::string> allowed_api;     // nullopt: all
  bool allowed_log = true;
};

struct ListenerSettings {
  std::string password = "ClueCon";
  OutboundLimits limits;
  int auth_timeout_s = 25;
  int body_timeout_s = 25;   // a frame whose announced body never arrives
  int kill_grace_ms = 2000;  // how long a killed listener may take to write its notice
  int max_lost_before_kill = 500;
  std::size_t max_jobs_in_flight = 1024;  // per connection; the reader waits beyond it
  // Accepted connections beyond these are closed at once (0: no cap). Outbound connections
  // (made by the switch) are not counted.
  std::size_t max_connections = 20000;
  std::size_t max_unauthenticated_per_address = 12000;
};

struct ServerContext {
  core::Runtime& runtime;
  ListenerSettings settings;
  asio::thread_pool& workers;
  core::SessionControl* sessions = nullptr;
  std::function<UserAuthOutcome(std::string_view arg)> userauth;  // null: userauth refused
  AuthThrottle throttle;
  ConnectionLimits connections;
  // Queue bytes dropped at once (killed or closed listeners): the daemon hands freed memory
  // back to the system when this grows, instead of keeping a stuck subscriber's peak.
  std::atomic<std::size_t> released_bytes{0};
};

}  // namespace es::eventsocket
