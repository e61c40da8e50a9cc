#include "switch/session_heartbeat.hpp"

#include <map>
#include <mutex>
#include <string>

#include "core/log_bus.hpp"
#include "switch/scheduler.hpp"
#include "switch/session/session.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {
namespace {

// FreeSWITCH keeps these in the session (track_duration, track_id); here they are kept by
// uuid and dropped when a beat finds the channel gone.
struct HeartbeatState {
  std::uint32_t duration = 0;
  std::uint32_t task_id = 0;
  std::uint64_t generation = 0;  // a running timer chain stops when this moves on
};

std::mutex states_mutex;
// Generations are unique across channels and re-enables, so a stale chain never matches.
std::uint64_t last_generation = 0;
std::map<std::string, HeartbeatState>& states() {
  static std::map<std::string, HeartbeatState> map;
  return map;
}

void fire_beat(Session& session) {
  session.fire(core::EventType::kSessionHeartbeat);
}

void unsched(Session& session) {
  std::uint32_t task = 0;
  {
    std::lock_guard lock(states_mutex);
    auto& state = states()[session.uuid()];
    task = state.task_id;
    state.task_id = 0;
  }
  if (task) scheduler_of(session.core()).remove_id(task);
}

void schedule_timer_beat(const SessionPtr& session, std::int64_t delay_us,
                         std::uint64_t generation) {
  std::weak_ptr<Session> weak = session;
  std::string uuid = session->uuid();
  session->core().timers().call_at(
      session->now_monotonic_us() + delay_us, [weak, uuid, generation] {
        SessionPtr s = weak.lock();
        std::uint32_t duration = 0;
        {
          std::lock_guard lock(states_mutex);
          auto it = states().find(uuid);
          if (it == states().end() || it->second.generation != generation) return;
          if (!s || !s->up()) {
            states().erase(it);
            return;
          }
          duration = it->second.duration;
        }
        fire_beat(*s);
        if (duration) schedule_timer_beat(s, std::int64_t{duration} * 1000000, generation);
      });
}

}  // namespace

void enable_heartbeat(Session& session, std::uint32_t seconds) {
  if (seconds == 0) seconds = 60;
  {
    std::lock_guard lock(states_mutex);
    states()[session.uuid()].duration = seconds;
  }
  bool media_ready = session.answered() || session.early_media();
  if (!media_ready || session.variable_true("heartbeat_use_scheduler") ||
      session.variable_true("bypass_media") || session.variable_true("bypass_media_after_bridge")) {
    ES_LOG(session.core().runtime().log(), core::LogLevel::kWarning,
           "{} using scheduler due to bypass media or media is not established.", session.name());
    sched_heartbeat(session);
    return;
  }
  unsched(session);
  std::uint64_t generation;
  {
    std::lock_guard lock(states_mutex);
    generation = states()[session.uuid()].generation = ++last_generation;
  }
  ES_LOG(session.core().runtime().log(), core::LogLevel::kInfo,
         "{} setting session heartbeat to {} second(s).", session.name(), seconds);
  // Media beats count read frames; with heartbeat_fire_on_set the first comes at once.
  std::int64_t first_us =
      session.variable_true("heartbeat_fire_on_set") ? 0 : std::int64_t{seconds} * 1000000;
  schedule_timer_beat(session.shared_from_this(), first_us, generation);
}

void sched_heartbeat(Session& session) {
  unsched(session);
  std::uint32_t duration;
  {
    std::lock_guard lock(states_mutex);
    auto& state = states()[session.uuid()];
    state.generation = ++last_generation;  // stops a media timer chain
    duration = state.duration;
  }
  SwitchCore& core = session.core();
  std::int64_t now = core.runtime().clock().now_epoch_us() / 1000000;
  std::int64_t when = session.variable_true("heartbeat_fire_on_set") ? now : now + duration;
  std::string uuid = session.uuid();
  std::uint32_t id = scheduler_of(core).add(
      when, "switch_core_session_sched_heartbeat", uuid, [&core, uuid](ScheduledTask& task) {
        SessionPtr s = core.locate(uuid);
        if (!s) {
          std::lock_guard lock(states_mutex);
          states().erase(uuid);
          return;
        }
        fire_beat(*s);
        std::uint32_t duration = 0;
        {
          std::lock_guard lock(states_mutex);
          auto it = states().find(uuid);
          if (it != states().end()) duration = it->second.duration;
        }
        task.runtime = core.runtime().clock().now_epoch_us() / 1000000 + duration;
      });
  std::lock_guard lock(states_mutex);
  states()[uuid].task_id = id;
}

void disable_heartbeat(Session& session) {
  unsched(session);
  std::lock_guard lock(states_mutex);
  states().erase(session.uuid());
}

}  // namespace es::sw
