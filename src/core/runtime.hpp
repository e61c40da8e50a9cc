// Everything the switch shares, in one place: created by the daemon (or a test) and passed
// by reference to the layers above. Owns nothing of the layers above.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/api_registry.hpp"
#include "core/channel_directory.hpp"
#include "core/clock.hpp"
#include "core/event_bus.hpp"
#include "core/global_vars.hpp"
#include "core/interface_table.hpp"
#include "core/log_bus.hpp"
#include "core/outbound_socket.hpp"
#include "core/process_control.hpp"
#include "core/session_control.hpp"
#include "core/switch_identity.hpp"
#include "core/upstream_gateway.hpp"

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

  // Idle CPU percentage for status/HEARTBEAT, sampled by the daemon.
  std::atomic<double> idle_cpu{100.0};

  // The upward interfaces (ARCHITECTURE.md, "Upward interfaces"): each is installed by the
  // layer that implements it and held only here; null until then. Installed before the event
  // loop runs and removed after it stopped, so readers need no lock.
  SessionControl* session_control() const { return session_control_.load(kAcquire); }
  ChannelDirectory* channels() const { return channels_.load(kAcquire); }
  ProcessControl* process_control() const { return process_control_.load(kAcquire); }
  OutboundSocketAcceptor* outbound_acceptor() const { return outbound_acceptor_.load(kAcquire); }
  // Non-null in gateway mode only.
  UpstreamGateway* upstream_gateway() const { return upstream_gateway_.load(kAcquire); }
  void set_session_control(SessionControl* value) { session_control_.store(value, kRelease); }
  void set_channels(ChannelDirectory* value) { channels_.store(value, kRelease); }
  void set_process_control(ProcessControl* value) { process_control_.store(value, kRelease); }
  void set_outbound_acceptor(OutboundSocketAcceptor* value) {
    outbound_acceptor_.store(value, kRelease);
  }
  void set_upstream_gateway(UpstreamGateway* value) { upstream_gateway_.store(value, kRelease); }
  // Each remove_* clears its slot only if `value` is still the one installed.
  void remove_session_control(SessionControl* value) { uninstall(session_control_, value); }
  void remove_channels(ChannelDirectory* value) { uninstall(channels_, value); }
  void remove_process_control(ProcessControl* value) { uninstall(process_control_, value); }
  void remove_outbound_acceptor(OutboundSocketAcceptor* value) {
    uninstall(outbound_acceptor_, value);
  }
  void remove_upstream_gateway(UpstreamGateway* value) { uninstall(upstream_gateway_, value); }

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
  static constexpr auto kAcquire = std::memory_order_acquire;
  static constexpr auto kRelease = std::memory_order_release;
  static constexpr auto kAcqRel = std::memory_order_acq_rel;
  template <typename Interface>
  static void uninstall(std::atomic<Interface*>& slot, Interface* value) {
    slot.compare_exchange_strong(value, nullptr, kAcqRel);
  }
  std::atomic<SessionControl*> session_control_{nullptr};
  std::atomic<ChannelDirectory*> channels_{nullptr};
  std::atomic<ProcessControl*> process_control_{nullptr};
  std::atomic<OutboundSocketAcceptor*> outbound_acceptor_{nullptr};
  std::atomic<UpstreamGateway*> upstream_gateway_{nullptr};
};

}  // namespace es::core
