#include "core/commands/core_commands.hpp"

#include "core/commands/command_groups.hpp"

namespace es::core {

void register_core_commands(Runtime& rt) {
  commands::register_info_commands(rt);
  commands::register_show_commands(rt);
  commands::register_console_complete(rt);
  commands::register_variable_commands(rt);
  commands::register_text_commands(rt);
  commands::register_control_commands(rt);
  commands::register_json_command(rt);
  // Pure computations: safe to run on an event loop. Anything that can sleep, wait for a
  // call or run another command by name stays on the worker pool.
  rt.api().mark_nonblocking({"version", "status", "uptime", "hostname", "switchname", "banner",
                             "create_uuid", "module_exists", "global_getvar", "global_setvar",
                             "regex", "cond", "strftime", "md5", "echo", "uuid_exists", "log",
                             "help", "console_complete", "show"});
}

namespace commands {

void add_command(Runtime& rt, std::string name, std::string description, std::string syntax,
                 ApiFunction function, std::string_view module) {
  rt.api().add(ApiCommand{.name = std::move(name),
                          .syntax = std::move(syntax),
                          .description = std::move(description),
                          .function = std::move(function),
                          .module = std::string(module)});
}

}  // namespace commands
}  // namespace es::core
