// Column layouts of show's channel tables (src/switch_core_sqldb.c), for whoever produces
// their rows through Runtime::channel_rows.
#pragma once

#include <string>
#include <vector>

namespace es::core::commands {

const std::vector<std::string>& channel_columns();        // 38 columns: "channels"
const std::vector<std::string>& call_columns();           // 41: "calls", "bridged_calls"
const std::vector<std::string>& detailed_call_columns();  // 65: "detailed_calls", ...
const std::vector<std::string>& registration_columns();   // 10: "registrations"

}  // namespace es::core::commands
