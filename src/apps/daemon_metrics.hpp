// The daemon's own metrics (local mode): the switch's sessions and calls. The event socket adds
// its own (eventsocket::Server::register_metrics); a gateway adds its upstreams the same way,
// with counters and gauges from the registry or a collector.
#pragma once

#include <cstdint>

#include "core/metrics.hpp"
#include "core/runtime.hpp"
#include "gateway/gateway.hpp"
#include "switch/switch_core.hpp"

namespace es::apps {

// Registers a collector reading `runtime`'s session counters and `switch_core`'s calls; returns
// its id (remove it before either dies).
std::uint64_t register_switch_metrics(core::MetricsRegistry& registry, core::Runtime& runtime,
                                      const sw::SwitchCore& switch_core);

// Gateway mode: each upstream's state, owned channels, events received, connections made and
// the lag of its last event (docs/gateway.md, "Metrics"). Remove it before `gateway` dies.
std::uint64_t register_gateway_metrics(core::MetricsRegistry& registry,
                                       const gateway::Gateway& gateway);

}  // namespace es::apps
