// Global variables (vars.xml, global_setvar) and ${...}/$${...} expansion
// (docs/call-behaviour.md §6.3).
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace es::core {

class LogBus;

// FreeSWITCH keeps globals as headers of an event: names compare case-insensitively, a set
// moves the variable to the end, and listing follows that order.
class GlobalVars {
 public:
  std::optional<std::string> get(std::string_view name) const;
  // An empty value unsets the variable. Every "${" (also "$\{") in the stored value becomes
  // "%{" so a stored value can never expand again (switch_core_set_variable).
  void set(std::string_view name, std::string_view value);
  // switch_core_set_var_conditional: with `expected` set, replaces only a current value equal
  // to it; with `expected` empty, only sets an unset variable. Returns whether it changed.
  bool set_conditional(std::string_view name, std::string_view value, std::string_view expected);
  std::map<std::string, std::string> snapshot() const;
  // In FreeSWITCH's order (oldest set first).
  std::vector<std::pair<std::string, std::string>> ordered() const;

 private:
  void set_locked(std::string_view name, std::string_view value);
  mutable std::shared_mutex mutex_;
  std::vector<std::pair<std::string, std::string>> vars_;
};

// Looks a variable up for ${name}; nullopt when unset.
using VarLookup = std::function<std::optional<std::string>(std::string_view name)>;
// Looks up ${name[index]}; index is -1 without brackets.
using IndexedVarLookup =
    std::function<std::optional<std::string>(std::string_view name, int index)>;
// Runs an API command for ${cmd(args)} / ${cmd args}; returns its output ("" on failure).
using ApiCall = std::function<std::string(std::string_view cmd, std::string_view arg)>;

// Work allowed to one expansion, the expansions nested in it included (an API call made while
// expanding, such as ${expand ...} or ${eval ...}, runs on the same thread and spends the same
// budget; its recursion depth adds to the outer one). Past either bound the whole expansion
// yields "" and one WARNING is logged (FreeSWITCH has no bound: "a=${a}${a}" never ends).
inline constexpr std::size_t kExpansionMaxSteps = 10'000;  // ${...} references resolved
// Bytes of variable values and API outputs taken, plus the bytes each level produced.
inline constexpr std::size_t kExpansionMaxBytes = std::size_t{16} * 1024 * 1024;

struct ExpansionScope {
  // Event mode (switch_event_expand_headers): `lookup` reads event headers; ${name} falls
  // back to the globals, $${name} reads only the globals, and only values taken from the
  // globals are expanded again. Channel mode (switch_channel_expand_variables): `lookup` is
  // the complete channel lookup (it includes the globals) for both forms and every value
  // found is expanded again.
  bool channel_mode = false;
  IndexedVarLookup lookup;   // may be empty: nothing but the globals
  ApiCall api;               // may be empty: API forms expand to nothing
  bool api_enabled = true;   // fsctl api_expansion; off gives a permission-denied text
  LogBus* log = nullptr;     // where a refused expansion is reported (none: silently)
  std::string session_uuid;  // the log line's user data
};

// Returns "" (and logs once through scope.log) when the expansion passes its budget.
std::string expand_variables(std::string_view text, const GlobalVars& globals,
                             const ExpansionScope& scope);

// Event-mode expansion with a name-only lookup (defaulting to the globals alone).
std::string expand_variables(std::string_view text, const GlobalVars& globals,
                             const VarLookup& lookup = {}, const ApiCall& api = {});

}  // namespace es::core
