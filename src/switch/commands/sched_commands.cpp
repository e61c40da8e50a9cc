// (being written)
#include "switch/commands/switch_commands.hpp"

namespace es::sw {

void register_sched_commands(SwitchCore&) {}

}  // namespace es::sw
