// Everything the switch shares, in one place: created by the daemon (or a test) and passed
// by reference to the layers above. Owns nothing of the layers above.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/api_registry.hpp"
#include "core/clock.hpp"
#include "core/event_bus.hpp"
#include "core/global_vars.hpp"
#include "core/log_bus.hpp"
#include "core/switch_identity.hpp"

namespace es::core {

// Session counters reported by status, HEARTBEAT and fsctl (api-commands.md 2, 5).
struct SessionStats {
  std::atomic<std::uint64_t> since_startup{0};
  std::atomic<std::uint32_t> active{0};
  std::atomic<std::uint32_t> peak{0};
  std::atomic<std::uint32_t> peak_5min{0};
  std::atomic<std::uint32_t> last_sps{0};
  std::atomic<std::uint32_t> sps_peak{0};
  std::atomic<std::uint32_t> sps_peak_5min{0};
  std::atomic<std::uint32_t> max_sessions{1000};
  std::atomic<std::uint32_t> max_sps{30};
  std::atomic<bool> accepting{true};  // fsctl pause/resume
};

class Runtime {
 public:
  explicit Runtime(std::unique_ptr<Clock> clock);

  Clock& clock() { return *clock_; }
  SwitchIdentity& identity() { return identity_; }
  EventFactory& events() { return factory_; }
  EventBus& bus() { return bus_; }
  LogBus& log() { return log_; }
  ApiRegistry& api() { return api_; }
  GlobalVars& globals() { return globals_; }
  SessionStats& sessions() { return sessions_; }

  // Console log level (fsctl loglevel); lines above it are not printed on the console.
  std::atomic<int> console_log_level{7};

  // Actions the daemon provides: shutdown (fsctl shutdown, SIGTERM) and reloadxml.
  // Both are optional; commands that need a missing one report it.
  std::function<void()> request_shutdown;
  std::function<std::string()> reload_xml;  // returns "" or an error text

  // Idle CPU percentage for status/HEARTBEAT, sampled by the daemon.
  std::atomic<double> idle_cpu{100.0};

 private:
  std::unique_ptr<Clock> clock_;
  SwitchIdentity identity_;
  EventFactory factory_;
  EventBus bus_;
  LogBus log_;
  ApiRegistry api_;
  GlobalVars globals_;
  SessionStats sessions_;
};

}  // namespace es::core
