// Installs everything the switch provides into a SwitchCore and its Runtime: endpoints,
// applications, API commands and the Runtime hooks.
#pragma once

namespace es::sw {

class SwitchCore;

void install_switch_modules(SwitchCore& core);

}  // namespace es::sw
