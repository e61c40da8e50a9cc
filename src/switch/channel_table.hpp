// The rows of show channels / calls / detailed_calls / bridged_calls (docs/api-behaviour.md §2,
// "show"), in the columns core/commands/show_commands.cpp prints.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace es::sw {

class SwitchCore;

std::vector<std::vector<std::string>> build_channel_rows(const SwitchCore& core,
                                                         std::string_view subject);

}  // namespace es::sw
