#include "switch/commands/switch_commands.hpp"

namespace es::sw {

void register_switch_commands(SwitchCore& core) {
  register_originate_command(core);
  register_uuid_commands(core);
  register_control_commands(core);
  register_media_commands(core);
  register_bridge_commands(core);
  register_sched_commands(core);
}

}  // namespace es::sw
