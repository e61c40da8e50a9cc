// Turns an event received from an upstream (text/event-plain, parsed by the client library) back
// into a core::Event whose serializations in every format equal what that upstream would have
// sent: same headers, same order, same body, no local restamping (docs/gateway.md, "Events").
#pragma once

#include <optional>

#include "client/event.hpp"
#include "core/event.hpp"

namespace es::gateway {

// nullopt for what no client may receive: no Event-Name, or a header name that could add lines
// to a subscriber's stream (a hostile upstream must not spoof events).
std::optional<core::Event> import_upstream_event(client::Event&& received);

}  // namespace es::gateway
