// (being written)
#include "switch/commands/switch_commands.hpp"

namespace es::sw {

void register_bridge_commands(SwitchCore&) {}

}  // namespace es::sw
