// Global variables (vars.xml, global_setvar) and ${...}/$${...} expansion.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>

namespace es::core {

class GlobalVars {
 public:
  std::optional<std::string> get(std::string_view name) const;
  // An empty value unsets the variable.
  void set(std::string_view name, std::string_view value);
  std::map<std::string, std::string> snapshot() const;

 private:
  mutable std::shared_mutex mutex_;
  std::map<std::string, std::string, std::less<>> vars_;
};

// Looks a variable up for ${name}; nullopt when unset.
using VarLookup = std::function<std::optional<std::string>(std::string_view name)>;
// Runs an API command for ${cmd(args)} forms... returns its output.
using ApiCall = std::function<std::string(std::string_view cmd, std::string_view arg)>;

// Expands "$${name}" from globals and "${name}" through `lookup` (defaulting to the globals),
// with FreeSWITCH's forms ${name:offset:length}, ${cmd(args)} via `api` (when given) and
// nested expansions; unset variables expand to the empty string. '\' escapes the next '$'.
std::string expand_variables(std::string_view text, const GlobalVars& globals,
                             const VarLookup& lookup = {}, const ApiCall& api = {});

}  // namespace es::core
