#include "core/commands/core_commands.hpp"

#include "core/commands/command_groups.hpp"

namespace es::core {

void register_core_commands(Runtime& rt) {
  commands::register_info_commands(rt);
  commands::register_show_commands(rt);
  commands::register_console_complete(rt);
  commands::register_variable_commands(rt);
  commands::register_text_commands(rt);
  commands::register_process_control_commands(rt);
  commands::register_json_command(rt);
}

namespace commands {

void add_command(Runtime& rt, std::string name, std::string description, std::string syntax,
                 ApiFunction function, CommandTraits traits) {
  rt.api().add(ApiCommand{.name = std::move(name),
                          .syntax = std::move(syntax),
                          .description = std::move(description),
                          .function = std::move(function),
                          .module = std::string(traits.module),
                          .may_block = traits.may_block,
                          .reads_api_event = traits.reads_api_event});
}

}  // namespace commands
}  // namespace es::core
