// FreeSWITCH's XML dialplan (docs/call-behaviour.md §9.2).
// FreeSWITCH: mod_dialplan_xml.c, dialplan_hunt and parse_exten.
#pragma once

#include <optional>
#include <pugixml.hpp>

#include "switch/dialplan/extension.hpp"
#include "switch/dialplan/routing_channel.hpp"

namespace es::sw {

// Hunts `dialplan_section` (<section name="dialplan"> of the loaded XML; an empty node
// matches nothing) for the channel's profile fields "context" (empty: "default", falling back
// to the context named "global") and "destination_number". Conditions may set variables
// (DP_MATCH, DP_REGEX_MATCH_<n>) and run inline="true" actions on `channel` while hunting.
// Returns the collected actions, named after the first extension that contributed one, or
// nullopt when nothing matched.
std::optional<Extension> xml_dialplan_hunt(pugi::xml_node dialplan_section,
                                           RoutingChannel& channel);

}  // namespace es::sw
