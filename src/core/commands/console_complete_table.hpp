// Argument completions for console_complete, in FreeSWITCH's "complete add" form: words
// separated by spaces, the first the command; "::[a:b" is a list of literal choices and
// "::console::list_uuid" the live channels' uuids.
#pragma once

#include <string_view>
#include <vector>

namespace es::core::commands {

const std::vector<std::string_view>& builtin_completions();

}  // namespace es::core::commands
