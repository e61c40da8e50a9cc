// FreeSWITCH's inline dialplan (docs/call-behaviour.md §9.3; mod_dptools.c: inline_dialplan_hunt).
#pragma once

#include <optional>
#include <string_view>

#include "switch/dialplan/extension.hpp"
#include "switch/dialplan/routing_channel.hpp"

namespace es::sw {

// Builds an extension named "inline" (number "inline") from `arg`, the text after
// "inline:", or from the profile's destination_number when `arg` is empty. Items are
// "app[:data]" split on ',' (or on <c> after a leading "m:<c>:"), with FreeSWITCH's quoting
// and escapes; leading spaces of an item are dropped. nullopt when there is no text at all.
//
// The caller must apply FreeSWITCH's profile fix-up after a returned extension (and only
// then): destination_number = rdnis, rdnis = "". The profile is not reachable through
// RoutingChannel, which only reads it.
std::optional<Extension> inline_dialplan_hunt(std::string_view arg, RoutingChannel& channel);

}  // namespace es::sw
