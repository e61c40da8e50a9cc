#include "switch/bridge.hpp"

#include <fmt/format.h>

#include "core/log_bus.hpp"
#include "core/spawn.hpp"
#include "core/text/separate_string.hpp"
#include "core/text/text.hpp"
#include "switch/session/hangup_cause.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {
namespace {

using text::separate_string;

// FreeSWITCH splits presence_data_cols into at most 128 names; the rest stays in the last one.
constexpr std::size_t kMaxPresenceDataCols = 128;

constexpr int kAttendedTransfer = 801;  // never a reason to continue after a failure
// Session::set_state wakes only the session itself, so the bridge also looks at both legs
// once per frame interval (as FreeSWITCH's bridge loop does per frame) to notice a leg that
// was moved elsewhere (uuid_park, a new uuid_bridge) without hanging up.
constexpr std::int64_t kCheckIntervalUs = 20000;
// uuid_bridge gives the legs this long to leave what they are doing (FreeSWITCH: 1000 loops
// of 20 ms), then hangs both up.
constexpr std::int64_t kSettleTimeoutUs = 20000000;

enum class BridgeKind {
  kApplication,  // the first leg runs the bridge application in its own state
  kUuidBridge,   // both legs idle in CS_EXCHANGE_MEDIA; a separate coroutine controls them
};

// Counts a coroutine as running (not waiting) for simulated time's settle step.
struct RunningMark {
  explicit RunningMark(std::atomic<int>& counter) : counter_(counter) { counter_.fetch_add(1); }
  ~RunningMark() { counter_.fetch_sub(1); }
  std::atomic<int>& counter_;
};

// A comma list of cause names or numbers naming `cause`.
bool cause_listed(std::string_view list, int cause) {
  std::string number = std::to_string(cause);
  for (const auto& item : separate_string(list, ',', 256)) {
    if (core::header_name_equals(item, cause_name(cause)) || item == number) return true;
  }
  return false;
}

// "<exten>[:<dialplan>[:<context>]]"; the variable is consumed.
void transfer_after_bridge(Session& s, const std::string& where) {
  s.set_variable("transfer_after_bridge", "");
  auto parts = separate_string(where, ':', 4);
  if (parts.empty() || parts[0].empty()) {
    ES_LOG(s.core().runtime().log(), core::LogLevel::kErr, "No extension specified.");
    return;
  }
  s.transfer(parts[0], parts.size() > 1 ? parts[1] : "", parts.size() > 2 ? parts[2] : "");
}

void fire_bridge_event(Session& a, const Session& b, core::EventType type) {
  core::Event event = a.create_event(type);
  event.add_header("Bridge-A-Unique-ID", a.uuid());
  event.add_header("Bridge-B-Unique-ID", b.uuid());
  a.add_event_data(event);
  // switch_event_add_presence_data_cols: the B leg's variables named in its presence_data_cols
  // (':'-separated, at most kMaxPresenceDataCols; unset ones are left out).
  if (auto cols = b.variable("presence_data_cols")) {
    for (const std::string& col : separate_string(*cols, ':', kMaxPresenceDataCols)) {
      if (auto value = b.variable(col)) event.add_header("Bridge-B-PD-" + col, *value);
    }
  }
  a.fire_event(std::move(event));
}

bool media_up(const Session& s) {
  return s.answered() || s.early_media();
}

// A leg left in CS_EXCHANGE_MEDIA by a bridge that ended (the application's peer, or either
// uuid_bridge leg): park or transfer when its variables say so, else hang it up with the
// other leg's cause (FreeSWITCH's audio_bridge_on_exchange_media).
void after_bridge_in_exchange_media(Session& leg, const Session& other, BridgeKind kind) {
  if (!leg.up() || leg.state() != ChannelState::kExchangeMedia || leg.bridge_peer() ||
      leg.transferring.load())
    return;
  if (leg.variable_true("park_after_bridge")) {
    leg.set_state(ChannelState::kPark);
    return;
  }
  if (auto where = leg.variable("transfer_after_bridge")) {
    transfer_after_bridge(leg, *where);
    return;
  }
  if (kind == BridgeKind::kUuidBridge) {
    if (auto hup = leg.variable("hangup_after_bridge"); hup && text::switch_false(*hup)) {
      leg.set_state(ChannelState::kPark);
      return;
    }
  }
  int cause = other.hangup_cause();
  if (cause == cause::kNone) {
    cause = leg.answered() ? cause::kNormalClearing : cause::kOriginatorCancel;
  }
  leg.hangup(cause);
}

// The caller of the bridge application after the bridge (the end of
// switch_ivr_multi_threaded_bridge): nothing when it hung up or was moved elsewhere;
// otherwise hangup/park/transfer_after_bridge, or the dialplan goes on.
void after_bridge_caller(Session& a, const Session& b, ChannelState a_state) {
  if (!a.up() || a.state() != a_state || a.transferring.load() || a.bridge_peer()) return;
  int cause = b.hangup_cause();
  if (cause == cause::kNone) cause = cause::kNormalClearing;
  auto hup = a.variable("hangup_after_bridge");
  bool answered = b.answered();
  bool early = b.early_media();
  if (!answered) handle_bridge_failure(a, cause);
  if (hup && core::header_name_equals(*hup, "explicit")) a.hangup(cause);
  if (!a.up() || a.transferring.load() || !(answered || early)) return;
  if ((answered && a.variable_true("park_after_bridge")) ||
      a.variable_true("park_after_early_bridge")) {
    a.set_state(ChannelState::kPark);
    return;
  }
  std::optional<std::string> where;
  if (answered) where = a.variable("transfer_after_bridge");
  if (!where) where = a.variable("transfer_after_early_bridge");
  if (where) {
    transfer_after_bridge(a, *where);
    return;
  }
  if (answered && hup && text::switch_true(*hup)) a.hangup(cause);
}

// The common bridge: set up, wait until it ends, tear down, after-bridge handling.
asio::awaitable<void> bridge_legs(SessionPtr a, SessionPtr b, BridgeKind kind,
                                  std::shared_ptr<Waiter> waiter) {
  SwitchCore& core = a->core();
  const ChannelState a_state = a->state();

  // check_bridge_export: the caller learns the callee id; bridge_export_vars cross.
  CallerProfile b_profile = b->profile();
  a->update_profile([&](CallerProfile& p) {
    p.callee_id_name = b_profile.callee_id_name;
    p.callee_id_number = b_profile.callee_id_number;
  });
  for (const auto& [n, v] : exported_variables(*b, "bridge_export_vars")) a->set_variable(n, v);
  for (const auto& [n, v] : exported_variables(*a, "bridge_export_vars")) b->set_variable(n, v);

  if (b->answered() && !a->answered()) a->answer();
  if (!a->ready()) {
    int cause = a->hangup_cause();
    b->hangup(cause != cause::kNone ? cause : cause::kOriginatorCancel);
    if (a->bridge_peer() == b) a->set_bridge_peer(nullptr);
    if (b->bridge_peer() == a) b->set_bridge_peer(nullptr);
    co_return;
  }

  b->set_variable("call_uuid", a->uuid());
  std::int64_t now = core.runtime().clock().now_epoch_us();
  a->update_profile([&](CallerProfile& p) { p.times.bridged = now; });
  b->update_profile([&](CallerProfile& p) { p.times.bridged = now; });
  a->set_other_leg("originatee", b->profile());
  b->set_other_leg("originator", a->profile());
  fire_bridge_event(*a, *b, core::EventType::kChannelBridge);
  a->set_variable("bridge_to", b->uuid());
  b->set_variable("bridge_to", a->uuid());
  a->set_variable("last_bridge_to", b->uuid());
  b->set_variable("last_bridge_to", a->uuid());
  a->set_variable("bridge_channel", b->name());
  a->set_variable("bridge_uuid", b->uuid());
  a->set_variable("signal_bond", b->uuid());
  b->set_variable("bridge_channel", a->name());
  b->set_variable("bridge_uuid", a->uuid());
  b->set_variable("signal_bond", a->uuid());
  a->set_bridge_peer(b);
  b->set_bridge_peer(a);
  if (kind == BridgeKind::kApplication) {
    // bridge_terminate_key of either leg, read now as mod_dptools' bridge does.
    a->bridge_end_requested = false;
    b->bridge_end_requested = false;
    a->set_bridge_terminate_keys(a->variable("bridge_terminate_key").value_or(""));
    b->set_bridge_terminate_keys(b->variable("bridge_terminate_key").value_or(""));
    b->originate_hold = false;
    b->set_state(ChannelState::kExchangeMedia);
  }

  auto bridged = [&] {
    return a->ready() && b->ready() && a->state() == a_state &&
           b->state() == ChannelState::kExchangeMedia && !a->break_requested.load() &&
           !a->bridge_end_requested.load() && !b->bridge_end_requested.load() &&
           a->bridge_peer() == b && b->bridge_peer() == a;
  };
  while (bridged()) {
    if (kind == BridgeKind::kApplication) {
      co_await a->process_commands();
      if (!bridged()) break;
    }
    core.running_sessions.fetch_sub(1);
    co_await waiter->wait_until(a->now_monotonic_us() + kCheckIntervalUs);
    core.running_sessions.fetch_add(1);
  }

  if (kind == BridgeKind::kApplication) {
    a->set_bridge_terminate_keys("");
    b->set_bridge_terminate_keys("");
  }
  // Tear down only what is still ours: either leg may already be in a new bridge.
  if (a->bridge_peer() == b) a->set_bridge_peer(nullptr);
  if (b->bridge_peer() == a) b->set_bridge_peer(nullptr);
  if (int c = a->hangup_cause()) b->set_variable("bridge_hangup_cause", cause_name(c));
  if (int c = b->hangup_cause()) a->set_variable("bridge_hangup_cause", cause_name(c));
  if (a->variable("bridge_to") == b->uuid()) a->set_variable("bridge_to", "");
  if (b->variable("bridge_to") == a->uuid()) b->set_variable("bridge_to", "");
  if (b->variable("call_uuid") == a->uuid() && !b->bridge_peer()) {
    b->set_variable("call_uuid", b->uuid());
  }
  fire_bridge_event(*a, *b, core::EventType::kChannelUnbridge);

  after_bridge_in_exchange_media(*b, *a, kind);
  if (kind == BridgeKind::kApplication) {
    after_bridge_caller(*a, *b, a_state);
  } else {
    after_bridge_in_exchange_media(*a, *b, kind);
  }
}

// uuid_bridge's controlling coroutine on the originator's strand: waits until both legs run
// CS_EXCHANGE_MEDIA, then bridges them.
asio::awaitable<void> control_uuid_bridge(SessionPtr a, SessionPtr b) {
  SwitchCore& core = a->core();
  RunningMark running(core.running_sessions);
  auto waiter = std::make_shared<Waiter>(a->strand(), core.timers(), core.runtime().clock());
  a->add_watcher(waiter);
  b->add_watcher(waiter);
  std::int64_t deadline = a->now_monotonic_us() + kSettleTimeoutUs;
  auto settled = [&] {
    return a->running_state() == ChannelState::kExchangeMedia &&
           b->running_state() == ChannelState::kExchangeMedia;
  };
  while (a->up() && b->up() && !settled()) {
    if (a->now_monotonic_us() >= deadline) {
      a->hangup(cause::kDestinationOutOfOrder);
      b->hangup(cause::kDestinationOutOfOrder);
      break;
    }
    core.running_sessions.fetch_sub(1);
    co_await waiter->wait_until(a->now_monotonic_us() + kCheckIntervalUs);
    core.running_sessions.fetch_add(1);
  }
  bool still_ours = a->bridge_peer() == b && b->bridge_peer() == a;
  if (!a->ready() || !b->ready() || !still_ours) {
    if (still_ours) {
      a->set_bridge_peer(nullptr);
      b->set_bridge_peer(nullptr);
    }
    if (!a->up()) b->hangup(cause::kDestinationOutOfOrder);
    if (!b->up()) a->hangup(cause::kDestinationOutOfOrder);
    co_return;
  }
  // The interruption that moved them here is over.
  a->break_requested = false;
  b->break_requested = false;
  // As FreeSWITCH, an execute record per leg names the bridge (no completion follows).
  for (auto [leg, other] : {std::pair{a, b}, std::pair{b, a}}) {
    core::Event event = leg->create_event(core::EventType::kChannelExecute);
    leg->add_event_data(event);
    event.add_header("Application", "uuid_bridge");
    event.add_header("Application-Data", other->uuid());
    leg->fire_event(std::move(event));
  }
  co_await bridge_legs(a, b, BridgeKind::kUuidBridge, waiter);
}

}  // namespace

asio::awaitable<void> run_bridge(SessionPtr caller, SessionPtr peer) {
  std::shared_ptr<Waiter> waiter = caller->waiter();
  // The peer's progress and hangup wake the caller (originate registered it already).
  peer->add_watcher(waiter);
  co_await bridge_legs(std::move(caller), std::move(peer), BridgeKind::kApplication,
                       std::move(waiter));
}

void handle_bridge_failure(Session& caller, int cause) {
  if (!caller.up()) return;
  std::vector<std::string> tof;
  if (auto v = caller.variable("transfer_on_fail")) tof = separate_string(*v, ' ', 4);
  std::optional<std::string> transfer_on_fail;
  if (!tof.empty()) transfer_on_fail = tof[0];

  if (cause != kAttendedTransfer) {
    auto continue_on_fail = caller.variable("continue_on_fail");
    auto failure_causes = caller.variable("failure_causes");
    if (continue_on_fail || failure_causes) {
      // failure_causes lists the causes that fail; any other continues.
      if (failure_causes && !cause_listed(*failure_causes, cause)) return;
      if (continue_on_fail &&
          (text::switch_true(*continue_on_fail) || cause_listed(*continue_on_fail, cause))) {
        return;
      }
    } else if (cause == cause::kNoAnswer || cause == cause::kNoUserResponse ||
               cause == cause::kOriginatorCancel) {
      return;
    }
    if (transfer_on_fail) {
      if (text::switch_true(*transfer_on_fail)) return;
      if (cause_listed(*transfer_on_fail, cause)) {
        std::string exten = tof.size() > 1 && !core::header_name_equals(tof[1], "auto_cause")
                                ? tof[1]
                                : std::string(cause_name(cause));
        caller.transfer(exten, tof.size() > 2 ? tof[2] : "", tof.size() > 3 ? tof[3] : "");
      }
    }
  }
  if (!caller.transferring.load() && caller.state() != ChannelState::kRouting) {
    caller.hangup(cause);
  }
}

std::vector<std::pair<std::string, std::string>> exported_variables(const Session& from,
                                                                    std::string_view list_var) {
  std::vector<std::pair<std::string, std::string>> out;
  auto list = from.variable(list_var);
  if (!list || list->empty()) return out;
  out.emplace_back(std::string(list_var), *list);
  for (const auto& name : separate_string(*list, ',', 256)) {
    auto value = from.variable(name);
    if (!value) continue;
    std::string_view exported = name;
    if (exported.size() >= 8 && core::header_name_equals(exported.substr(0, 8), "nolocal:")) {
      exported.remove_prefix(8);
    } else if (exported.size() >= 9 &&
               core::header_name_equals(exported.substr(0, 9), "_nolocal_")) {
      exported.remove_prefix(9);
    }
    out.emplace_back(std::string(exported), *value);
  }
  return out;
}

bool uuid_bridge(SwitchCore& core, std::string_view originator_uuid,
                 std::string_view originatee_uuid) {
  SessionPtr a = core.locate(originator_uuid);
  SessionPtr b = core.locate(originatee_uuid);
  if (!a || !b || a == b || !a->up() || !b->up()) return false;
  if (!media_up(*a)) {
    if (!media_up(*b)) {
      ES_LOG(core.runtime().log(), core::LogLevel::kCrit,
             "Neither channel is answered, cannot bridge them.");
      return false;
    }
    std::swap(a, b);
  }
  a->set_variable("bridge_channel", b->name());
  a->set_variable("bridge_uuid", b->uuid());
  a->set_variable("signal_bond", b->uuid());
  b->set_variable("bridge_channel", a->name());
  b->set_variable("bridge_uuid", a->uuid());
  b->set_variable("signal_bond", a->uuid());

  CallerProfile a_profile = a->profile();
  CallerProfile b_profile = b->profile();
  for (auto [leg, p] : {std::pair{a, &a_profile}, std::pair{b, &b_profile}}) {
    leg->set_variable("original_destination_number", p->destination_number);
    leg->set_variable("original_caller_id_name", p->caller_id_name);
    leg->set_variable("original_caller_id_number", p->caller_id_number);
  }
  b->set_other_leg("originator", a_profile);
  a->set_other_leg("originatee", b_profile);
  a->update_profile([&](CallerProfile& p) {
    p.callee_id_name = b_profile.callee_id_name;
    p.callee_id_number = b_profile.callee_id_number;
  });
  b->update_profile([&](CallerProfile& p) {
    p.caller_id_name = a_profile.caller_id_name;
    p.caller_id_number = a_profile.caller_id_number;
  });
  std::int64_t seconds = core.runtime().clock().now_epoch_us() / 1000000;
  for (auto [leg, other] : {std::pair{a, b}, std::pair{b, a}}) {
    std::string source = fmt::format("{}:{}:uuid_br:{}", seconds, leg->uuid(), other->uuid());
    leg->update_profile([&](CallerProfile& p) { p.transfer_source = source; });
    leg->push_variable("transfer_history", source);
    leg->set_variable("transfer_source", source);
  }

  // Joined at once, so a bridge either leg was in notices that it is over; then both are
  // interrupted and moved to CS_EXCHANGE_MEDIA, where their state machines idle.
  a->set_bridge_peer(b);
  b->set_bridge_peer(a);
  for (const SessionPtr& leg : {a, b}) {
    leg->break_requested = true;
    leg->set_state(ChannelState::kExchangeMedia);
  }
  core::spawn_guarded(
      core.runtime().log(), a->strand(), "uuid_bridge control",
      [a, b]() { return control_uuid_bridge(a, b); },
      [a, b](const std::exception_ptr&) {
        a->hangup(cause::kCrash);
        b->hangup(cause::kCrash);
      });
  return true;
}

}  // namespace es::sw
