// FreeSWITCH's argument splitter, switch_separate_string (docs/api-behaviour.md §1.4), which most
// commands use on their argument.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace es::text {

// At most `max` tokens; the last one receives the rest of the text. A leading "^^X" (with
// at least one character after X) makes X the delimiter.
std::vector<std::string> separate_string(std::string_view text, char delimiter, std::size_t max);

}  // namespace es::text
