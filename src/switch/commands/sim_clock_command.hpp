// `sim_clock [advance <ms>]`: reads or moves the simulated switch clock (--simulated-time).
#pragma once

#include "core/timers.hpp"

namespace es::sw {

class SwitchCore;

void register_sim_clock_command(SwitchCore& core, core::SimulatedTimers& timers,
                                core::SimulatedClock& clock);

}  // namespace es::sw
