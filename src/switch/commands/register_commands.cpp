#include "switch/commands/switch_commands.hpp"

namespace es::sw {

void register_switch_commands(SwitchCore& core) {
  register_originate_command(core);
  register_uuid_commands(core);
}

}  // namespace es::sw
