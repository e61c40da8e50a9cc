// Column layouts of show's channel tables (src/switch_core_sqldb.c), for whoever produces
// their rows through Runtime::channel_rows.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace es::core::commands {

const std::vector<std::string>& channel_columns();        // 38 columns: "channels"
const std::vector<std::string>& call_columns();           // 41: "calls", "bridged_calls"
const std::vector<std::string>& detailed_call_columns();  // 65: "detailed_calls", ...
const std::vector<std::string>& registration_columns();   // 10: "registrations"

// SQLite's LIKE as "show channels like" uses it: '%' any run, '_' any one byte, ASCII
// case-insensitive. Iterative; at most text.size() * pattern.size() steps.
bool sql_like(std::string_view text, std::string_view pattern);

// Longest "like" pattern show accepts; a longer one is answered with -ERR (it is matched
// against six columns of every channel, so its length multiplies the work).
inline constexpr std::size_t kMaxLikePatternBytes = 1024;

}  // namespace es::core::commands
