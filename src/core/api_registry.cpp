#include "core/api_registry.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>

#include "core/event_bus.hpp"
#include "core/spawn.hpp"
#include "core/switch_identity.hpp"
#include "protocol/ascii.hpp"

namespace es::core {
namespace {

bool is_strip_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v';
}

// switch_strip_whitespace.
std::string_view strip_whitespace(std::string_view text) {
  while (!text.empty() && is_strip_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_strip_space(text.back())) text.remove_suffix(1);
  return text;
}

constexpr std::size_t kMaxConsoleParts = 128;

// A command that throws answers "-ERR <what>" in place of its output (its caller, an api reply
// or a BACKGROUND_JOB, goes on as after any failing command).
std::string thrown_reply(const std::exception_ptr& error) {
  return "-ERR " + exception_text(error) + "\n";
}

}  // namespace

void ApiRegistry::attach_events(EventBus* bus, EventFactory* factory) {
  std::unique_lock lock(mutex_);
  bus_ = bus;
  factory_ = factory;
}

void ApiRegistry::add(ApiCommand command) {
  std::string key = protocol::to_lower(command.name);
  auto shared = std::make_shared<const ApiCommand>(std::move(command));
  std::unique_lock lock(mutex_);
  commands_[std::move(key)] = std::move(shared);
}

bool ApiRegistry::exists(std::string_view name) const {
  std::shared_lock lock(mutex_);
  return commands_.count(protocol::to_lower(name)) != 0;
}

bool ApiRegistry::may_block(std::string_view name) const {
  std::shared_lock lock(mutex_);
  auto found = commands_.find(protocol::to_lower(strip_whitespace(name)));
  return found == commands_.end() || found->second->may_block;
}

void ApiRegistry::mark_nonblocking(std::initializer_list<std::string_view> names) {
  std::unique_lock lock(mutex_);
  for (auto name : names) {
    auto found = commands_.find(protocol::to_lower(name));
    if (found == commands_.end()) continue;
    auto copy = std::make_shared<ApiCommand>(*found->second);
    copy->may_block = false;
    found->second = std::move(copy);
  }
}

std::vector<ApiCommand> ApiRegistry::list() const {
  std::shared_lock lock(mutex_);
  std::vector<ApiCommand> out;
  out.reserve(commands_.size());
  for (const auto& [key, command] : commands_) out.push_back(*command);
  return out;
}

ApiResult ApiRegistry::execute(std::string_view name, std::string_view arg,
                               const ApiContext& context) const {
  // console_complete needs the raw line: its cursor position counts leading spaces.
  if (!protocol::iequals(name, "console_complete")) {
    name = strip_whitespace(name);
    arg = strip_whitespace(arg);
  }

  std::shared_ptr<const ApiCommand> command;
  EventBus* bus = nullptr;
  EventFactory* factory = nullptr;
  {
    std::shared_lock lock(mutex_);
    bus = bus_;
    factory = factory_;
    auto found = commands_.find(protocol::to_lower(name));
    if (found != commands_.end()) command = found->second;
  }

  // The event is prepared before the command runs (its timestamps and sequence say so) and
  // fired after it; a nested execution sharing the slot may fire it first.
  std::optional<Event> own_event;
  std::optional<Event>* event = context.api_event ? context.api_event : &own_event;
  if (bus && factory) {
    if (!event->has_value()) event->emplace(factory->create(EventType::kApi));
    if (!name.empty()) (*event)->add_header("API-Command", name);
    if (!arg.empty()) (*event)->add_header("API-Command-Argument", arg);
  }

  ApiResult result;
  if (command && context.rules.refuses_api(name)) {
    result.status = ApiStatus::kFailure;
    result.output = kPermissionDenied;
  } else if (command) {
    ApiContext inner = context;
    inner.api_event = event;
    try {
      result.status = command->function(arg, result.output, inner);
    } catch (...) {
      result.status = ApiStatus::kSuccess;
      result.output = thrown_reply(std::current_exception());
    }
    if (result.status != ApiStatus::kSuccess) result.output += "COMMAND RETURNED ERROR!\n";
  } else {
    result.found = false;
    result.status = ApiStatus::kFailure;
    result.output = "INVALID COMMAND!\n";
  }

  if (bus && event->has_value()) {
    bus->fire(std::move(**event));
    event->reset();
  }
  return result;
}

bool ApiRegistry::has_async(std::string_view name) const {
  std::shared_lock lock(mutex_);
  auto found = commands_.find(protocol::to_lower(strip_whitespace(name)));
  return found != commands_.end() && found->second->async_function;
}

void ApiRegistry::execute_async(std::string_view name, std::string_view arg,
                                const ApiContext& context,
                                std::function<void(ApiResult)> done) const {
  std::shared_ptr<const ApiCommand> command;
  EventBus* bus = nullptr;
  EventFactory* factory = nullptr;
  std::string_view trimmed_name = strip_whitespace(name);
  {
    std::shared_lock lock(mutex_);
    bus = bus_;
    factory = factory_;
    auto found = commands_.find(protocol::to_lower(trimmed_name));
    if (found != commands_.end()) command = found->second;
  }
  if (!command || !command->async_function || context.rules.refuses_api(trimmed_name)) {
    done(execute(name, arg, context));
    return;
  }
  arg = strip_whitespace(arg);
  // As execute(): the event is made before the command starts and fired once it is done.
  auto event = std::make_shared<std::optional<Event>>();
  if (bus && factory) {
    event->emplace(factory->create(EventType::kApi));
    if (!trimmed_name.empty()) (*event)->add_header("API-Command", trimmed_name);
    if (!arg.empty()) (*event)->add_header("API-Command-Argument", arg);
  }
  ApiContext inner = context;
  inner.api_event = nullptr;
  // A command that throws before completing still completes once, with the exception's text.
  auto completed = std::make_shared<std::atomic<bool>>(false);
  auto complete = [bus, event, completed, done = std::move(done)](ApiStatus status,
                                                                  std::string output) {
    if (completed->exchange(true)) return;
    ApiResult result;
    result.status = status;
    result.output = std::move(output);
    if (status != ApiStatus::kSuccess) result.output += "COMMAND RETURNED ERROR!\n";
    if (bus && event->has_value()) {
      bus->fire(std::move(**event));
      event->reset();
    }
    done(std::move(result));
  };
  try {
    command->async_function(std::string(arg), inner, complete);
  } catch (...) {
    complete(ApiStatus::kSuccess, thrown_reply(std::current_exception()));
  }
}

ApiResult ApiRegistry::execute_line(std::string_view line, const ApiContext& context) const {
  auto space = line.find(' ');
  if (space == std::string_view::npos) return execute(line, {}, context);
  return execute(line.substr(0, space), line.substr(space + 1), context);
}

std::vector<std::string_view> ApiRegistry::console_parts(std::string_view line) {
  while (!line.empty() && line.front() == ' ') line.remove_prefix(1);

  std::vector<std::string_view> parts;
  if (protocol::istarts_with(line, "alias")) {
    parts.push_back(line);
  } else {
    std::string_view rest = line;
    while (parts.size() + 1 < kMaxConsoleParts) {
      auto separator = rest.find(";;");
      if (separator == std::string_view::npos) break;
      parts.push_back(rest.substr(0, separator));
      rest.remove_prefix(separator + 2);
    }
    parts.push_back(rest);
  }
  for (std::string_view& part : parts) {
    // Cut at the first CR, else at the first LF.
    auto cut = part.find('\r');
    if (cut == std::string_view::npos) cut = part.find('\n');
    if (cut != std::string_view::npos) part = part.substr(0, cut);
  }
  return parts;
}

ApiResult ApiRegistry::execute_console(std::string_view line, const ApiContext& context) const {
  ApiResult combined;
  combined.status = ApiStatus::kFailure;
  combined.found = false;
  for (std::string_view part : console_parts(line)) {
    ApiResult one = execute_line(part, context);
    combined.output += one.output;
    combined.status = one.status;
    combined.found = one.found;
  }
  return combined;
}

ApiCall ApiRegistry::expansion_caller(const ApiContext& context) const {
  ApiContext copy = context;
  copy.api_event = nullptr;  // each expansion call is its own execution with its own event
  return [this, copy](std::string_view cmd, std::string_view arg) -> std::string {
    ApiResult result = execute(cmd, arg, copy);
    if (result.status != ApiStatus::kSuccess) return {};
    return std::move(result.output);
  };
}

}  // namespace es::core
