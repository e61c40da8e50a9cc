// CS_ROUTING's dialplan step (calls.md 9.1): the profile's dialplan list tried in order.
#pragma once

#include <optional>

#include "switch/dialplan/extension.hpp"

namespace es::sw {

class Session;

struct RoutingOutcome {
  std::optional<Extension> extension;
  bool any_dialplan = false;  // at least one listed dialplan name was known
};

RoutingOutcome hunt_dialplans(Session& session);

}  // namespace es::sw
