// uuid_bridge (docs/api-behaviour.md §3): bridges two existing channels, or the first with a
// fallback third one.
#include <fmt/format.h>

#include "core/text/separate_string.hpp"
#include "switch/bridge.hpp"
#include "switch/commands/switch_commands.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {
namespace {

void uuid_bridge_command(SwitchCore& core, std::string_view arg, std::string& out) {
  auto words = text::separate_string(arg, ' ', 4);
  if (arg.empty() || words.size() < 2) {
    out += "-USAGE: <uuid> <other_uuid>\n";
    return;
  }
  std::string bridged_with;
  if (uuid_bridge(core, words[0], words[1])) {
    bridged_with = words[1];
  } else if (words.size() > 2 && uuid_bridge(core, words[0], words[2])) {
    bridged_with = words[2];
  }
  if (bridged_with.empty()) {
    out += "-ERR Invalid uuid\n";
  } else {
    out += fmt::format("+OK {}\n", bridged_with);
  }
}

}  // namespace

void register_bridge_commands(SwitchCore& core) {
  add_switch_command(core, "uuid_bridge", "", "Bridge call legs", uuid_bridge_command);
}

}  // namespace es::sw
