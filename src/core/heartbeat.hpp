// The HEARTBEAT event (every 20 s) and the RE_SCHEDULE that follows it (docs/event-formats.md §6).
#pragma once

#include <cstdint>

#include "core/runtime.hpp"

namespace es::core {

Event make_heartbeat_event(Runtime& runtime);
// RE_SCHEDULE for the heartbeat task, due at next_run_epoch_s.
Event make_heartbeat_reschedule_event(Runtime& runtime, std::int64_t task_id,
                                      std::int64_t next_run_epoch_s);

}  // namespace es::core
