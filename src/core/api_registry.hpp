// Registry and executor of API commands, and the console executor (docs/api-behaviour.md §1.1,
// §1.3).
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/access_policy.hpp"
#include "core/event.hpp"
#include "core/global_vars.hpp"

namespace es::core {

class EventBus;
class EventFactory;

enum class ApiStatus { kSuccess, kFailure };

// What a command may know about its caller.
struct ApiContext {
  std::string session_uuid;  // empty: no session context (the usual case)
  bool from_console = false;
  // The API event of the running execution, not yet fired (FreeSWITCH's stream param_event).
  // A command that runs another command through execute() with this context shares the
  // slot: the nested execution adds its headers to the same event and fires it (as expand
  // and "show status" do in FreeSWITCH). Null outside an execution.
  std::optional<Event>* api_event = nullptr;
  // The confined client this execution runs for (empty: unrestricted). execute() refuses a
  // command these rules do not allow, at every depth: a command that runs another through
  // execute() with this context (eval, expand, json, show, ${api()} expansions) is checked
  // again, and so is whatever it starts on a call (originate confines its legs).
  AccessRules rules;
};

// The reply of a command the caller's rules refuse.
inline constexpr std::string_view kPermissionDenied = "-ERR permission denied\n";

using ApiFunction =
    std::function<ApiStatus(std::string_view arg, std::string& out, const ApiContext& context)>;

// Ends an asynchronous command with its status and output; called once, from any thread.
using ApiCompletion = std::function<void(ApiStatus status, std::string output)>;
// A command that waits (originate) may also start its work and return at once, completing
// later, so that whoever runs it (the event socket's api and bgapi) holds no thread meanwhile.
// The context has no shared API event slot.
using ApiAsyncFunction =
    std::function<void(std::string arg, const ApiContext& context, ApiCompletion done)>;

struct ApiCommand {
  std::string name;
  std::string syntax;
  std::string description;
  ApiFunction function;
  ApiAsyncFunction async_function;  // optional; `function` must do the same work, blocking
  std::string module;               // the "ikey" column of show api/modules, e.g. "mod_commands"
  // False for commands that only compute and never wait, declared where the command is
  // registered: the event socket runs those on its event loop instead of handing them to the
  // worker pool (two thread hops saved).
  bool may_block = true;
  // True for a command whose function reads its own API event (expand expands over its
  // headers): that event is built even when no subscriber would receive it.
  bool reads_api_event = false;

  bool has_async() const { return static_cast<bool>(async_function); }
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

  // Replaces a command of the same name (any case). The replaced entry is kept until the
  // registry is destroyed, so what find() returned stays valid (registrations are few: start-up
  // and module loads).
  void add(ApiCommand command);
  // The command of that name (trimmed, any case), or null. One look-up per request: the caller
  // keeps the entry, decides from its flags where to run it and passes it to execute(). Valid
  // for the registry's lifetime.
  const ApiCommand* find(std::string_view name) const;
  bool exists(std::string_view name) const { return find(name) != nullptr; }
  // Sorted by name, ignoring case.
  std::vector<ApiCommand> list() const;

  // switch_api_execute: trims name and argument (except for console_complete), looks the
  // name up case-insensitively; unknown -> "INVALID COMMAND!\n" + failure; a failing command
  // gets "COMMAND RETURNED ERROR!\n" appended. Fires the API event afterwards.
  ApiResult execute(std::string_view name, std::string_view arg,
                    const ApiContext& context = {}) const {
    return execute(find(name), name, arg, context);
  }
  // The same with the command already found: `command` is find(name) (null: unknown).
  ApiResult execute(const ApiCommand* command, std::string_view name, std::string_view arg,
                    const ApiContext& context) const;

  // execute() through the command's asynchronous form: returns at once; `done` receives the
  // same result (and the API event is fired) when the command completes, on its thread. A
  // command without that form runs synchronously, on the caller's thread.
  void execute_async(std::string_view name, std::string_view arg, const ApiContext& context,
                     std::function<void(ApiResult)> done) const {
    execute_async(find(name), name, arg, context, std::move(done));
  }
  void execute_async(const ApiCommand* command, std::string_view name, std::string_view arg,
                     const ApiContext& context, std::function<void(ApiResult)> done) const;

  // Splits "cmd arg" at the first space and executes.
  ApiResult execute_line(std::string_view line, const ApiContext& context = {}) const;

  // switch_console_execute: skips leading spaces; unless the line starts with "alias" it is
  // split on ";;" (at most 128 parts, the last keeps the rest); each part is cut at its first
  // CR/LF and split at the first space. Outputs are concatenated; the status (and `found`)
  // are those of the last part.
  ApiResult execute_console(std::string_view line, const ApiContext& context = {}) const;
  // The parts execute_console runs, each cut at its line end (one home for the split, so the
  // event socket checks exactly what will run).
  static std::vector<std::string_view> console_parts(std::string_view line);

  // Runs ${api(args)} for variable expansion: the output on success, "" otherwise.
  ApiCall expansion_caller(const ApiContext& context = {}) const;

 private:
  // ASCII case-insensitive hash and equality, so a look-up needs no lowercased copy.
  struct NoCaseHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const;
  };
  struct NoCaseEqual {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const;
  };

  // Registrations write, every look-up reads: readers share the lock and copy nothing.
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, const ApiCommand*, NoCaseHash, NoCaseEqual> by_name_;
  std::vector<std::unique_ptr<const ApiCommand>> entries_;  // every command added, replaced too
  // Set once at start-up and read by every execution without the lock.
  std::atomic<EventBus*> bus_{nullptr};
  std::atomic<EventFactory*> factory_{nullptr};
};

}  // namespace es::core
