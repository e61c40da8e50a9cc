// Registry and executor of API commands (api-commands.md 1.1).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace es::core {

class EventBus;
class EventFactory;

enum class ApiStatus { kSuccess, kFailure };

// What a command may know about its caller.
struct ApiContext {
  std::string session_uuid;  // empty: no session context (the usual case)
  bool from_console = false;
};

using ApiFunction = std::function<ApiStatus(std::string_view arg, std::string& out,
                                            const ApiContext& context)>;

struct ApiCommand {
  std::string name;
  std::string syntax;
  std::string description;
  ApiFunction function;
};

struct ApiResult {
  ApiStatus status = ApiStatus::kSuccess;
  bool found = true;
  std::string output;
};

class ApiRegistry {
 public:
  // The executor fires an API event after each command when a bus is attached.
  void attach_events(EventBus* bus, EventFactory* factory);

  void add(ApiCommand command);  // replaces a command of the same name
  bool exists(std::string_view name) const;
  // Sorted by name.
  std::vector<ApiCommand> list() const;

  // switch_api_execute: trims name and argument (except for console_complete), looks the
  // name up case-insensitively; unknown -> "INVALID COMMAND!\n" + failure; a failing command
  // gets "COMMAND RETURNED ERROR!\n" appended. Fires the API event afterwards.
  ApiResult execute(std::string_view name, std::string_view arg,
                    const ApiContext& context = {}) const;

  // Splits "cmd arg" at the first space and executes.
  ApiResult execute_line(std::string_view line, const ApiContext& context = {}) const;

 private:
  mutable std::shared_mutex mutex_;
  std::map<std::string, std::shared_ptr<const ApiCommand>> commands_;  // key: lowercase name
  EventBus* bus_ = nullptr;
  EventFactory* factory_ = nullptr;
};

}  // namespace es::core
