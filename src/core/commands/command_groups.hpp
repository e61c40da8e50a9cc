// One registration function per group of commands (each in its own source file).
#pragma once

#include <string>
#include <string_view>

#include "core/runtime.hpp"

namespace es::core::commands {

inline constexpr std::string_view kModCommands = "mod_commands";

// Version facts of the reference build this switch mimics (docs/api-behaviour.md §2, version).
inline constexpr std::string_view kVersionShort = "1.11.3-dev";
inline constexpr std::string_view kVersionFullHuman = "1.11.3-dev  64bit";
inline constexpr std::string_view kRevisionHuman = " 64bit";

void register_info_commands(Runtime& rt);             // status, version, uptime, hostname, ...
void register_show_commands(Runtime& rt);             // show, help
void register_console_complete(Runtime& rt);          // console_complete
void register_variable_commands(Runtime& rt);         // global_getvar/setvar, eval, expand
void register_text_commands(Runtime& rt);             // regex, cond, strftime, md5
void register_process_control_commands(Runtime& rt);  // fsctl, msleep, sleep, reloadxml, shutdown
void register_json_command(Runtime& rt);              // json

// What is declared with a command besides its text and function.
struct CommandTraits {
  std::string_view module = kModCommands;
  // False only for pure computations, which may then run on an event loop: anything that can
  // sleep, wait for a call or run an arbitrary command by name (eval, expand) keeps the default.
  bool may_block = true;
  bool reads_api_event = false;  // ApiCommand::reads_api_event
};

// Shorthand for registering a mod_commands API.
void add_command(Runtime& rt, std::string name, std::string description, std::string syntax,
                 ApiFunction function, CommandTraits traits = {});

// The "status" text (also used by show status through the executor).
std::string status_text(Runtime& rt);
// status's "Current Stack Size/Max" line for a process whose RLIMIT_STACK is cur/max
// (docs/api-behaviour.md, "status").
std::string stack_size_line(unsigned long long cur, unsigned long long max, bool privileged);

}  // namespace es::core::commands
