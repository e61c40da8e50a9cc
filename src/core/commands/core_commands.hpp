// The API commands of the core that need no channel (mod_commands and friends).
#pragma once

#include "core/runtime.hpp"

namespace es::core {

// Registers every command of this library on rt.api() (module "mod_commands", strftime as
// "mod_dptools").
void register_core_commands(Runtime& rt);

}  // namespace es::core
