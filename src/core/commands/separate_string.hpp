// FreeSWITCH's argument splitter, switch_separate_string (api-commands.md 1.4), which most
// commands use on their argument.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace es::core::commands {

// At most `max` tokens; the last one receives the rest of the text. A leading "^^X" (with
// at least one character after X) makes X the delimiter.
std::vector<std::string> separate_string(std::string_view text, char delimiter, std::size_t max);

bool equals_nocase(std::string_view a, std::string_view b);
bool starts_with_nocase(std::string_view text, std::string_view prefix);
// C atoi / atol / atof: leading spaces, sign, digits; 0 when there is no number.
long long c_atol(std::string_view text);
double c_atof(std::string_view text);

}  // namespace es::core::commands
