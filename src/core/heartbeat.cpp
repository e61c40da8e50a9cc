#include "core/heartbeat.hpp"

#include <fmt/format.h>

namespace es::core {

Event make_heartbeat_event(Runtime& runtime) {
  Event event = runtime.events().create(EventType::kHeartbeat);
  auto& stats = runtime.sessions();
  std::int64_t elapsed_us = runtime.clock().now_epoch_us() - runtime.identity().start_epoch_us;
  event.add_header("Event-Info", "System Ready");
  event.add_header("Up-Time", format_uptime(elapsed_us));
  event.add_header("FreeSWITCH-Version", runtime.identity().version_full);
  event.add_header("Uptime-msec", std::to_string(elapsed_us / 1000));
  event.add_header("Session-Count", std::to_string(stats.active.load()));
  event.add_header("Max-Sessions", std::to_string(stats.max_sessions.load()));
  event.add_header("Session-Per-Sec", std::to_string(stats.max_sps.load()));
  event.add_header("Session-Per-Sec-Last", std::to_string(stats.last_sps.load()));
  event.add_header("Session-Per-Sec-Max", std::to_string(stats.sps_peak.load()));
  event.add_header("Session-Per-Sec-FiveMin", std::to_string(stats.sps_peak_5min.load()));
  event.add_header("Session-Since-Startup", std::to_string(stats.since_startup.load()));
  event.add_header("Session-Peak-Max", std::to_string(stats.peak.load()));
  event.add_header("Session-Peak-FiveMin", std::to_string(stats.peak_5min.load()));
  event.add_header("Idle-CPU", fmt::format("{:f}", runtime.idle_cpu.load()));
  return event;
}

Event make_heartbeat_reschedule_event(Runtime& runtime, std::int64_t task_id,
                                      std::int64_t next_run_epoch_s) {
  Event event = runtime.events().create(EventType::kReSchedule);
  event.add_header("Task-ID", std::to_string(task_id));
  event.add_header("Task-Desc", "heartbeat");
  event.add_header("Task-Group", "core");
  event.add_header("Task-Runtime", std::to_string(next_run_epoch_s));
  return event;
}

}  // namespace es::core
