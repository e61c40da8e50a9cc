#include "switch/commands/switch_commands.hpp"

#include "switch/switch_core.hpp"

namespace es::sw {

void add_switch_command(SwitchCore& core, std::string name, std::string syntax,
                        std::string description,
                        std::function<void(SwitchCore&, std::string_view, std::string&)> fn) {
  core::ApiCommand command;
  command.name = std::move(name);
  command.syntax = std::move(syntax);
  command.description = std::move(description);
  command.module = "mod_commands";
  command.function = [&core, fn = std::move(fn)](std::string_view arg, std::string& out,
                                                 const core::ApiContext&) {
    fn(core, arg, out);
    return core::ApiStatus::kSuccess;
  };
  core.runtime().api().add(std::move(command));
}

void register_switch_commands(SwitchCore& core) {
  register_originate_command(core);
  register_uuid_commands(core);
  register_control_commands(core);
  register_media_commands(core);
  register_bridge_commands(core);
  register_sched_commands(core);
}

}  // namespace es::sw
