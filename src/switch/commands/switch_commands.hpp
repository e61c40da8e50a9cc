// API commands that need channels (api-commands.md 3, 4), registered into the Runtime's API
// registry by the switch.
#pragma once

namespace es::sw {

class SwitchCore;

void register_switch_commands(SwitchCore& core);
void register_originate_command(SwitchCore& core);
void register_uuid_commands(SwitchCore& core);

}  // namespace es::sw
