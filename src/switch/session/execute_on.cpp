#include "switch/session/execute_on.hpp"

#include <string>
#include <utility>
#include <vector>

#include "core/api_registry.hpp"
#include "core/log_bus.hpp"
#include "protocol/ascii.hpp"
#include "switch/session/channel_variables.hpp"
#include "switch/session/session.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {
namespace {

// Values of the variables named `prefix`* (case-insensitive), each array element on its own.
std::vector<std::string> matching_values(
    const std::vector<std::pair<std::string, std::string>>& vars, std::string_view prefix) {
  std::vector<std::string> values;
  for (const auto& [name, value] : vars) {
    if (!protocol::istarts_with(name, prefix)) continue;
    for (std::string& element : array_elements(value)) values.push_back(std::move(element));
  }
  return values;
}

void execute_value(Session& session, std::string_view value) {
  std::string_view app = value;
  std::string_view arg;
  bool queued = false;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == ' ' || (value[i] == ':' && (i + 1 >= value.size() || value[i + 1] != ':'))) {
      app = value.substr(0, i);
      arg = value.substr(i + 1);
      break;
    }
    if (value[i] == ':') {  // "::": the rest, colons and all, stays with the name (as FreeSWITCH)
      app = value.substr(0, i);
      arg = value.substr(i + 2);
      queued = true;
      break;
    }
  }
  if (!queued && session.execute_application_now(app, arg)) return;
  core::Event command(core::EventType::kCommand);
  command.add_header("call-command", "execute");
  command.add_header("execute-app-name", app);
  command.add_header("execute-app-arg", arg);
  if (!session.queue_command(std::move(command))) {
    ES_LOG(session.core().runtime().log(), core::LogLevel::kWarning,
           "{}: command queue full, {} not run", session.uuid(), app);
  }
}

}  // namespace

int execute_on(Session& session, std::string_view prefix) {
  std::vector<std::pair<std::string, std::string>> vars =
      session.core().runtime().globals().ordered();
  for (auto& v : session.variables()) vars.push_back(std::move(v));
  std::vector<std::string> values = matching_values(vars, prefix);
  for (const std::string& value : values) execute_value(session, value);
  return static_cast<int>(values.size());
}

int api_on(Session& session, std::string_view prefix) {
  std::vector<std::string> values = matching_values(session.variables(), prefix);
  for (const std::string& value : values) {
    std::string_view line = value;
    std::size_t space = line.find(' ');
    std::string command(line.substr(0, space));
    std::string arg =
        space == std::string_view::npos ? std::string() : session.expand(line.substr(space + 1));
    core::ApiContext context;
    context.session_uuid = session.uuid();
    context.rules = session.access_rules();
    auto result = session.core().runtime().api().execute(command, arg, context);
    ES_LOG(session.core().runtime().log(), core::LogLevel::kDebug, "{} process {}: {}({})\n{}",
           session.name(), prefix, command, arg, result.output);
  }
  return static_cast<int>(values.size());
}

}  // namespace es::sw
