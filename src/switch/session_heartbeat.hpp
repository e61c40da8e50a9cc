// SESSION_HEARTBEAT events of a channel (switch_core_session.c: enable/sched/disable
// heartbeat): every N seconds of switch time while the channel has media, or through the
// scheduler when it has none (or heartbeat_use_scheduler is set).
#pragma once

#include <cstdint>

namespace es::sw {

class Session;

// 0 seconds means 60.
void enable_heartbeat(Session& session, std::uint32_t seconds);
// A scheduler task (group = the channel's uuid) at the interval enable_heartbeat set last;
// FreeSWITCH ignores the seconds given here, so a channel without one gets a single beat.
void sched_heartbeat(Session& session);
void disable_heartbeat(Session& session);

}  // namespace es::sw
