#include "core/api_registry.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>
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

std::size_t ApiRegistry::NoCaseHash::operator()(std::string_view text) const {
  // FNV-1a over the folded bytes: names are short, and equal names in any case hash alike.
  std::uint64_t hash = 14695981039346656037ull;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(protocol::ascii_lower(c));
    hash *= 1099511628211ull;
  }
  return static_cast<std::size_t>(hash);
}

bool ApiRegistry::NoCaseEqual::operator()(std::string_view a, std::string_view b) const {
  return protocol::iequals(a, b);
}

void ApiRegistry::attach_events(EventBus* bus, EventFactory* factory) {
  // The factory first: whoever sees the bus sees the factory too.
  factory_.store(factory, std::memory_order_release);
  bus_.store(bus, std::memory_order_release);
}

void ApiRegistry::add(ApiCommand command) {
  auto entry = std::make_unique<const ApiCommand>(std::move(command));
  const ApiCommand* published = entry.get();
  std::unique_lock lock(mutex_);
  entries_.push_back(std::move(entry));
  auto found = by_name_.find(std::string_view(published->name));
  if (found == by_name_.end()) {
    by_name_.emplace(published->name, published);
  } else {
    found->second = published;
  }
}

const ApiCommand* ApiRegistry::find(std::string_view name) const {
  name = strip_whitespace(name);
  std::shared_lock lock(mutex_);
  auto found = by_name_.find(name);
  return found == by_name_.end() ? nullptr : found->second;
}

std::vector<ApiCommand> ApiRegistry::list() const {
  std::vector<ApiCommand> out;
  {
    std::shared_lock lock(mutex_);
    out.reserve(by_name_.size());
    for (const auto& [key, command] : by_name_) out.push_back(*command);
  }
  std::sort(out.begin(), out.end(), [](const ApiCommand& a, const ApiCommand& b) {
    return protocol::ILess{}(a.name, b.name);
  });
  return out;
}

ApiResult ApiRegistry::execute(const ApiCommand* command, std::string_view name,
                               std::string_view arg, const ApiContext& context) const {
  // console_complete needs the raw line: its cursor position counts leading spaces.
  if (!protocol::iequals(name, "console_complete")) {
    name = strip_whitespace(name);
    arg = strip_whitespace(arg);
  }
  EventBus* bus = bus_.load(std::memory_order_acquire);
  EventFactory* factory = factory_.load(std::memory_order_acquire);

  // The event is prepared before the command runs (its timestamps and sequence say so) and
  // fired after it; a nested execution sharing the slot may fire it first.
  std::optional<Event> own_event;
  std::optional<Event>* event = context.api_event ? context.api_event : &own_event;
  if (bus && factory) {
    // Most API events reach nobody (a busy `api` client rarely subscribes to API): building
    // one costs more than many commands, so it is built only for a subscriber or a reader.
    if (!event->has_value()) {
      if (bus->wants(EventType::kApi) || (command && command->reads_api_event)) {
        event->emplace(factory->create(EventType::kApi));
      } else {
        factory->skip();
      }
    }
    if (event->has_value()) {
      if (!name.empty()) (*event)->add_header("API-Command", name);
      if (!arg.empty()) (*event)->add_header("API-Command-Argument", arg);
    }
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

void ApiRegistry::execute_async(const ApiCommand* command, std::string_view name,
                                std::string_view arg, const ApiContext& context,
                                std::function<void(ApiResult)> done) const {
  std::string_view trimmed_name = strip_whitespace(name);
  if (!command || !command->has_async() || context.rules.refuses_api(trimmed_name)) {
    done(execute(command, name, arg, context));
    return;
  }
  EventBus* bus = bus_.load(std::memory_order_acquire);
  EventFactory* factory = factory_.load(std::memory_order_acquire);
  arg = strip_whitespace(arg);
  // As execute(): the event is made before the command starts and fired once it is done.
  auto event = std::make_shared<std::optional<Event>>();
  if (bus && factory && !bus->wants(EventType::kApi)) {
    factory->skip();  // as in execute(): an event nobody would receive is not built
  } else if (bus && factory) {
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
