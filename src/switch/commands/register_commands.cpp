#include "switch/commands/switch_commands.hpp"

#include "switch/switch_core.hpp"

namespace es::sw {
namespace {

// How many leading words of a command's argument may name a call (uuid_bridge names two,
// sched_broadcast one after its time, uuid_hold one after "off").
constexpr std::size_t kCallWordsScanned = 4;

// A confined client's command acts on the calls its argument names (and their bridged
// partners): they obey its rules from now on (Session::confine), before the command does
// anything to them. Over-confining a call the command only reads is harmless; missing one it
// changes would not be.
void confine_named_calls(SwitchCore& core, std::string_view arg, const core::AccessRules& rules) {
  if (rules.empty()) return;
  for (std::size_t i = 0; i < kCallWordsScanned && !arg.empty(); ++i) {
    while (!arg.empty() && arg.front() == ' ') arg.remove_prefix(1);
    std::size_t end = arg.find(' ');
    std::string_view word = arg.substr(0, end);
    if (!word.empty()) {
      if (SessionPtr s = core.find(word)) {
        s->confine(rules);
        // -bleg / -both / bleg options reach the bridged partner through this call.
        if (SessionPtr partner = core.find(s->partner_uuid())) partner->confine(rules);
      }
    }
    if (end == std::string_view::npos) break;
    arg.remove_prefix(end);
  }
}

}  // namespace

void add_switch_command_with_context(
    SwitchCore& core, std::string name, std::string syntax, std::string description,
    std::function<void(SwitchCore&, std::string_view, std::string&, const core::ApiContext&)> fn) {
  core::ApiCommand command;
  command.name = std::move(name);
  command.syntax = std::move(syntax);
  command.description = std::move(description);
  command.module = "mod_commands";
  command.function = [&core, fn = std::move(fn)](std::string_view arg, std::string& out,
                                                 const core::ApiContext& context) {
    confine_named_calls(core, arg, context.rules);
    fn(core, arg, out, context);
    return core::ApiStatus::kSuccess;
  };
  core.runtime().api().add(std::move(command));
}

void add_switch_command(SwitchCore& core, std::string name, std::string syntax,
                        std::string description,
                        std::function<void(SwitchCore&, std::string_view, std::string&)> fn) {
  add_switch_command_with_context(
      core, std::move(name), std::move(syntax), std::move(description),
      [fn = std::move(fn)](SwitchCore& c, std::string_view arg, std::string& out,
                           const core::ApiContext&) { fn(c, arg, out); });
}

void register_switch_commands(SwitchCore& core) {
  register_originate_command(core);
  register_uuid_commands(core);
  register_call_control_commands(core);
  register_media_commands(core);
  register_bridge_commands(core);
  register_sched_commands(core);
}

}  // namespace es::sw
