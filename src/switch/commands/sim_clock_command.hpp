// `sim_clock [advance <ms>]`: reads or moves the simulated switch clock (--simulated-time).
// With simulated time, msleep and sleep wait on that clock too.
#pragma once

#include "core/timers.hpp"

namespace es::sw {

class SwitchCore;

// Null timers and clock (a daemon on the real clock): the command only says how to get one.
void register_sim_clock_command(SwitchCore& core, core::SimulatedTimers* timers,
                                core::SimulatedClock* clock);

}  // namespace es::sw
