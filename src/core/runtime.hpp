// Everything the switch shares, in one place: created by the daemon (or a test) and passed
// by reference to the layers above. Owns nothing of the layers above.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/api_registry.hpp"
#include "core/clock.hpp"
#include "core/event_bus.hpp"
#include "core/global_vars.hpp"
#include "core/interface_table.hpp"
#include "core/log_bus.hpp"
#include "core/outbound_socket.hpp"
#include "core/session_control.hpp"
#include "core/switch_identity.hpp"

namespace es::core {

// Session counters reported by status, HEARTBEAT and fsctl (docs/api-behaviour.md §2, §5).
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
  std::atomic<bool> accepting{true};  // fsctl pause/resume: both directions accept
  // fsctl pause/resume inbound|outbound; `accepting` is kept as their conjunction.
  std::atomic<bool> accepting_inbound{true};
  std::atomic<bool> accepting_outbound{true};
};

// Core settings changed by fsctl (docs/api-behaviour.md §5, "fsctl").
struct CoreSettings {
  std::atomic<bool> api_expansion{true};  // ${api(args)} in expansions
  std::atomic<bool> verbose_events{false};
  std::atomic<bool> threaded_system_exec{false};
  std::atomic<bool> debug_sql{false};
  std::atomic<bool> shutdown_requested{false};
  std::atomic<double> min_idle_cpu{0.0};  // 0: disabled
  std::atomic<int> debug_level{0};
  std::atomic<int> uuid_version{4};
  std::atomic<std::uint32_t> min_dtmf_duration{400};
  std::atomic<std::uint32_t> max_dtmf_duration{192000};
  std::atomic<std::uint32_t> default_dtmf_duration{2000};
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
  CoreSettings& settings() { return settings_; }
  // Applications, endpoints, dialplans... registered by the layers above (show, help).
  InterfaceTable& interfaces() { return interfaces_; }

  // Console log level (fsctl loglevel); lines above it are not printed on the console.
  std::atomic<int> console_log_level{7};

  // Actions the daemon provides: shutdown (fsctl shutdown, SIGTERM) and reloadxml.
  // Both are optional; commands that need a missing one report it.
  std::function<void()> request_shutdown;
  std::function<std::string()> reload_xml;  // returns "" or an error text

  // Idle CPU percentage for status/HEARTBEAT, sampled by the daemon.
  std::atomic<double> idle_cpu{100.0};

  // Hooks the switch layer provides for commands that read channels; unset means no channels.
  // Rows of a channel table for show: subject "channels", "calls", "detailed_calls",
  // "bridged_calls", "detailed_bridged_calls" or "registrations", each row in the columns of
  // docs/api-behaviour.md §2 (show).
  std::function<std::vector<std::vector<std::string>>(std::string_view subject)> channel_rows;
  // Adds a live channel's data to an event (switch_channel_event_set_data); false if none.
  std::function<bool(std::string_view uuid, Event& event)> channel_event_data;
  // fsctl hupall: hangs up every channel with MANAGER_REQUEST.
  std::function<void()> hangup_all;
  // The switch's sessions, when a switch is attached (uuid_exists and friends).
  SessionControl* session_control = nullptr;
  // Installed by the event socket server: takes over the connection of a `socket` application.
  OutboundSocketHandler outbound_socket;

 private:
  std::unique_ptr<Clock> clock_;
  SwitchIdentity identity_;
  EventFactory factory_;
  EventBus bus_;
  LogBus log_;
  ApiRegistry api_;
  GlobalVars globals_;
  SessionStats sessions_;
  CoreSettings settings_;
  InterfaceTable interfaces_;
};

}  // namespace es::core
