// API commands that need channels (docs/api-behaviour.md §3, §4), registered into the Runtime's API
// registry by the switch.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/api_registry.hpp"

namespace es::sw {

class SwitchCore;

// Registers a mod_commands API command whose function writes its whole reply to `out`
// (these commands report errors in the text, as FreeSWITCH's, never by status).
void add_switch_command(SwitchCore& core, std::string name, std::string syntax,
                        std::string description,
                        std::function<void(SwitchCore&, std::string_view, std::string&)> fn);
// The same for a command that needs its caller's context (sched_api keeps its rules).
void add_switch_command_with_context(
    SwitchCore& core, std::string name, std::string syntax, std::string description,
    std::function<void(SwitchCore&, std::string_view, std::string&, const core::ApiContext&)> fn);

void register_switch_commands(SwitchCore& core);
void register_originate_command(SwitchCore& core);
void register_uuid_commands(SwitchCore& core);
void register_call_control_commands(SwitchCore& core);  // commands/call_control_commands.cpp
void register_media_commands(SwitchCore& core);         // commands/media_commands.cpp
void register_bridge_commands(SwitchCore& core);        // commands/bridge_commands.cpp
void register_sched_commands(SwitchCore& core);         // commands/sched_commands.cpp

}  // namespace es::sw
