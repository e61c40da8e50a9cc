// global_getvar, global_setvar, eval, expand (mod_commands.c; docs/api-behaviour.md §5).
#include <fmt/format.h>

#include "core/commands/command_groups.hpp"
#include "core/switch_identity.hpp"
#include "core/text/separate_string.hpp"
#include "protocol/ascii.hpp"

namespace es::core::commands {
namespace {

// switch_event_get_header_idx, with the event's body readable as "_body".
std::optional<std::string> event_value(const Event& event, std::string_view name, int index) {
  for (const auto& header : event.headers()) {
    if (!header_name_equals(header.name, name)) continue;
    if (index < 0) return header.value;
    if (static_cast<std::size_t>(index) < header.array.size()) return header.array[index];
    return std::nullopt;
  }
  if (name == "_body" && event.has_body()) return event.body();
  return std::nullopt;
}

// Event-mode expansion over `event` (headers, then globals), API forms through the executor.
std::string expand_over_event(Runtime& rt, const Event* event, std::string_view text,
                              const ApiContext& context) {
  ExpansionScope scope;
  if (event) {
    scope.lookup = [event](std::string_view name, int index) {
      return event_value(*event, name, index);
    };
  }
  scope.api = rt.api().expansion_caller(context);
  scope.api_enabled = rt.settings().api_expansion.load();
  scope.log = &rt.log();
  scope.session_uuid = context.session_uuid;
  return expand_variables(text, rt.globals(), scope);
}

// "uuid:<uuid> rest": the uuid (at most 79 characters, as FreeSWITCH's buffer) and the rest;
// without a space after the uuid the rest is empty.
std::string_view split_uuid_prefix(std::string_view arg, std::string& uuid) {
  if (!protocol::istarts_with(arg, "uuid:")) return arg;
  std::string_view after = arg.substr(5);
  auto space = after.find(' ');
  if (space == std::string_view::npos) return {};
  uuid = std::string(after.substr(0, std::min<std::size_t>(space, 79)));
  return after.substr(space + 1);
}

ApiStatus global_setvar(Runtime& rt, std::string_view arg, std::string& out) {
  if (!arg.empty()) {
    auto argv = text::separate_string(arg, '=', 3);
    if (!argv.empty() && !argv[0].empty()) {
      std::string value = argv.size() > 1 ? argv[1] : std::string();
      std::string expected = argv.size() > 2 ? argv[2] : std::string();
      if (!expected.empty()) {
        rt.globals().set_conditional(argv[0], value, expected);
      } else {
        rt.globals().set(argv[0], value);
      }
      out += "+OK";
      return ApiStatus::kSuccess;
    }
  }
  out += "-USAGE: <var>=<value> [=<value2>]\n";
  return ApiStatus::kSuccess;
}

ApiStatus eval(Runtime& rt, std::string_view arg, std::string& out, const ApiContext& context) {
  if (arg.empty()) return ApiStatus::kSuccess;
  std::string uuid;
  std::string_view input = split_uuid_prefix(arg, uuid);
  if (input.empty()) return ApiStatus::kSuccess;
  Event event = rt.events().create(EventType::kChannelData);
  const ChannelDirectory* channels = rt.channels();
  if (!uuid.empty() && channels != nullptr) channels->fill_channel_data(uuid, event);
  out += expand_over_event(rt, &event, input, context);
  return ApiStatus::kSuccess;
}

ApiStatus expand(Runtime& rt, std::string_view arg, std::string& out, const ApiContext& context) {
  if (arg.empty()) {
    out += "-ERR No input\n";
    return ApiStatus::kSuccess;
  }
  std::string uuid;
  std::string_view input = split_uuid_prefix(arg, uuid);
  if (input.empty()) {
    out += "-ERR No input\n";
    return ApiStatus::kSuccess;
  }
  // FreeSWITCH expands over this execution's own API event (API-Command: expand, ...),
  // with the channel's data added to it when a uuid is given.
  Event* api_event =
      context.api_event && context.api_event->has_value() ? &**context.api_event : nullptr;
  const ChannelDirectory* channels = rt.channels();
  if (!uuid.empty() && api_event && channels != nullptr) {
    channels->fill_channel_data(uuid, *api_event);
  }
  std::string_view command = input;
  std::string expanded;
  if (auto space = input.find(' '); space != std::string_view::npos) {
    command = input.substr(0, space);
    expanded = expand_over_event(rt, api_event, input.substr(space + 1), context);
  }
  ApiResult result = rt.api().execute(command, expanded, context);
  out += result.output;
  if (result.status != ApiStatus::kSuccess) out += "-ERR Cannot execute command\n";
  return ApiStatus::kSuccess;
}

}  // namespace

void register_variable_commands(Runtime& rt) {
  add_command(rt, "global_getvar", "Get global var", "<var>",
              [&rt](std::string_view arg, std::string& out, const ApiContext&) {
                if (arg.empty()) {
                  for (const auto& [name, value] : rt.globals().ordered()) {
                    out += fmt::format("{}={}\n", name, value);
                  }
                } else if (auto value = rt.globals().get(arg)) {
                  out += *value;
                }
                return ApiStatus::kSuccess;
              },
              {.may_block = false});
  add_command(rt, "global_setvar", "Set global var", "<var>=<value> [=<value2>]",
              [&rt](std::string_view arg, std::string& out, const ApiContext&) {
                return global_setvar(rt, arg, out);
              },
              {.may_block = false});
  add_command(rt, "eval", "eval (noop)", "[uuid:<uuid> ]<expression>",
              [&rt](std::string_view arg, std::string& out, const ApiContext& context) {
                return eval(rt, arg, out, context);
              });
  add_command(
      rt, "expand", "Execute an api with variable expansion", "[uuid:<uuid> ]<cmd> <args>",
      [&rt](std::string_view arg, std::string& out, const ApiContext& context) {
        return expand(rt, arg, out, context);
      },
      CommandTraits{.reads_api_event = true});
}

}  // namespace es::core::commands
