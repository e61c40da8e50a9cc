// sim/<destination>: a scriptable simulated far end for tests. Originate variables say when it
// rings, sends early media, answers or fails, hangs up, sends DTMF and audio; every step runs
// on the switch clock, so simulated time drives a whole call in no wall time.
// docs/sim-endpoint.md describes the variables.
#pragma once

#include <memory>

#include "switch/endpoint.hpp"

namespace es::sw {

std::shared_ptr<Endpoint> make_sim_endpoint();

}  // namespace es::sw
