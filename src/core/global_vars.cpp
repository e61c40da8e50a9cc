#include "core/global_vars.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>

#include "core/log_bus.hpp"
#include "core/text/text.hpp"
#include "protocol/ascii.hpp"

namespace es::core {
namespace {

// switch_string_var_check with disable: "${" (backslashes allowed in between) -> "%{".
std::string disable_references(std::string_view value) {
  std::string out(value);
  std::size_t dollar = std::string::npos;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '$') {
      dollar = i;
    } else if (dollar != std::string::npos) {
      if (out[i] == '{') {
        out[dollar] = '%';
        dollar = std::string::npos;
      } else if (out[i] != '\\') {
        dollar = std::string::npos;
      }
    }
  }
  return out;
}

constexpr int kMaxRecursion = 100;

// What one outermost expansion has spent; nested expansions on its thread share it.
struct ExpansionBudget {
  std::size_t steps = 0;
  std::size_t bytes = 0;
  int depth = 0;  // recursion depth of the innermost level running
  bool exhausted = false;
  bool reported = false;
};

thread_local ExpansionBudget* active_budget = nullptr;

// A line-by-line port of FreeSWITCH's expander (switch_event_expand_headers_check and
// switch_channel_expand_variables_check), quirks included: the input is worked on in place
// with NULs marking the ends of names and arguments, exactly as the C code does, because
// several visible behaviours (argument ends, escapes right after '}') follow from that.
class Expander {
 public:
  Expander(const GlobalVars& globals, const ExpansionScope& scope, ExpansionBudget& budget)
      : globals_(globals), scope_(scope), budget_(budget), base_depth_(budget.depth) {}

  std::string run(std::string_view input, int local_depth) const {
    std::string_view in = input.substr(0, input.find('\0'));
    if (budget_.exhausted) return {};
    const int depth = base_depth_ + local_depth;
    if (depth > kMaxRecursion || in.empty()) return std::string(in);
    if (!text::needs_expansion(in)) return std::string(in);
    // An API call made at this level starts its own expansions at this depth.
    struct DepthGuard {
      ExpansionBudget& budget;
      int saved;
      ~DepthGuard() { budget.depth = saved; }
    } guard{budget_, budget_.depth};
    budget_.depth = depth;

    std::string buf(in);
    const std::size_t end = buf.size();
    buf.push_back('\0');
    auto at = [&](std::size_t i) { return i < buf.size() ? buf[i] : '\0'; };
    auto cstr = [&](std::size_t i) {
      std::size_t j = i;
      while (j < end && buf[j]) ++j;
      return std::string_view(buf.data() + i, j - i);
    };

    std::string out;
    out.reserve(in.size());
    bool literal = false;  // the C code's "nv"
    for (std::size_t p = 0; p < end && buf[p]; ++p) {
      int vtype = 0;  // 1 ${}, 2 api, 3 $${}
      if (buf[p] == '\\') {
        if (at(p + 1) == '$') {
          literal = true;
          ++p;
          if (at(p + 1) == '$') ++p;
        } else if (at(p + 1) == '\'') {
          ++p;
          continue;
        } else if (at(p + 1) == '\\') {
          out += '\\';
          ++p;
          continue;
        }
      }
      if (buf[p] == '$' && !literal) {
        bool global = false;
        if (at(p + 1) == '$') {
          ++p;
          global = true;
        }
        if (at(p + 1) == '{') {
          vtype = global ? 3 : 1;
        } else {
          literal = true;
        }
      }
      if (literal) {
        out += buf[p];
        literal = false;
        continue;
      }

      if (vtype) {
        std::size_t s = p + 1;
        int br = 0;
        if (buf[s] == '{') {
          br = 1;
          ++s;
        }
        std::size_t e = s;
        const std::size_t name_at = s;
        while (e < end && buf[e]) {
          if (br == 1 && buf[e] == '}') {
            br = 0;
            buf[e++] = '\0';
            break;
          }
          if (br > 0) {
            if (e != s && buf[e] == '{') {
              ++br;
            } else if (br > 1 && buf[e] == '}') {
              --br;
            }
          }
          ++e;
        }
        p = std::min(e, end);

        std::size_t args_at = std::string::npos;
        for (std::size_t sb = name_at; sb < end && buf[sb]; ++sb) {
          if (buf[sb] == ' ') {
            args_at = sb;
            break;
          }
          if (buf[sb] == '(') {
            args_at = sb;
            br = 1;
            break;
          }
        }
        if (args_at != std::string::npos) {
          buf[args_at++] = '\0';
          for (std::size_t x = args_at; x < end && buf[x]; ++x) {
            if (buf[x] == '(') {
              ++br;
            } else if (br > 1 && buf[x] == ')') {
              --br;
            } else if (br == 1 && buf[x] == ')') {
              buf[x] = '\0';
              break;
            }
          }
          vtype = 2;
        }

        if (!spend(0, 1)) return {};
        if (vtype == 2) {
          out += call_api(cstr(name_at), cstr(args_at), local_depth);
        } else {
          out += variable(cstr(name_at), vtype == 3, local_depth);
        }
        if (budget_.exhausted) return {};
      }

      if (at(p) == '$') {
        --p;
      } else if (at(p) != '\0') {
        out += buf[p];
      }
    }
    if (!spend(out.size(), 0)) return {};
    return out;
  }

 private:
  // Charges the budget; false (and the budget marked exhausted) once it is overdrawn.
  bool spend(std::size_t bytes, std::size_t steps) const {
    budget_.bytes += bytes;
    budget_.steps += steps;
    if (budget_.bytes > kExpansionMaxBytes || budget_.steps > kExpansionMaxSteps) {
      budget_.exhausted = true;
    }
    return !budget_.exhausted;
  }

  std::string variable(std::string_view raw_name, bool global_form, int depth) const {
    std::string name = run(raw_name, depth + 1);
    int offset = 0, length = 0;
    if (auto colon = name.find(':'); colon != std::string::npos) {
      std::string rest = name.substr(colon + 1);
      name.resize(colon);
      offset = text::c_atoi(rest);
      if (auto second = rest.find(':'); second != std::string::npos) {
        length = text::c_atoi(std::string_view(rest).substr(second + 1));
      }
    }
    int index = -1;
    if (auto bracket = name.find('[');
        bracket != std::string::npos && name.find(']', bracket) != std::string::npos) {
      index = text::c_atoi(std::string_view(name).substr(bracket + 1));
      name.resize(bracket);
    }

    std::optional<std::string> value;
    auto taken = [this](std::optional<std::string>& found) {
      return found && spend(found->size(), 0);
    };
    if (scope_.channel_mode) {
      if (scope_.lookup) value = scope_.lookup(name, index);
      if (taken(value)) value = run(*value, depth + 1);
    } else {
      if (!global_form && scope_.lookup) value = scope_.lookup(name, index);
      if (!value) {
        value = globals_.get(name);
        if (taken(value)) value = run(*value, depth + 1);
      } else {
        taken(value);
      }
    }
    if (!value || budget_.exhausted) return {};

    std::string& text = *value;
    if (offset >= 0) {
      if (static_cast<std::size_t>(offset) > text.size()) {
        text.clear();
      } else {
        text.erase(0, static_cast<std::size_t>(offset));
      }
    } else if (static_cast<std::size_t>(-static_cast<long long>(offset)) <= text.size()) {
      text.erase(0, text.size() - static_cast<std::size_t>(-static_cast<long long>(offset)));
    }
    if (length > 0 && static_cast<std::size_t>(length) < text.size()) {
      text.resize(static_cast<std::size_t>(length));
    }
    return std::move(text);
  }

  std::string call_api(std::string_view raw_name, std::string_view raw_args, int depth) const {
    std::string name = run(raw_name, depth + 1);
    std::string args = run(raw_args, depth + 1);
    if (!scope_.api_enabled) {
      // The two expanders spell this differently.
      return scope_.channel_mode ? "<API Execute Permission Denied>"
                                 : "<API execute Permission Denied>";
    }
    if (!scope_.api || budget_.exhausted) return {};
    std::string output = scope_.api(name, args);
    if (!spend(output.size(), 0)) return {};
    return output;
  }

  const GlobalVars& globals_;
  const ExpansionScope& scope_;
  ExpansionBudget& budget_;
  const int base_depth_;  // depth of the expansion that made the API call running this one
};

}  // namespace

std::optional<std::string> GlobalVars::get(std::string_view name) const {
  std::shared_lock lock(mutex_);
  for (const auto& [key, value] : vars_) {
    if (protocol::iequals(key, name)) return value;
  }
  return std::nullopt;
}

void GlobalVars::set_locked(std::string_view name, std::string_view value) {
  std::erase_if(vars_, [&](const auto& entry) { return protocol::iequals(entry.first, name); });
  if (!value.empty()) vars_.emplace_back(std::string(name), disable_references(value));
}

void GlobalVars::set(std::string_view name, std::string_view value) {
  std::unique_lock lock(mutex_);
  set_locked(name, value);
}

bool GlobalVars::set_conditional(std::string_view name, std::string_view value,
                                 std::string_view expected) {
  std::unique_lock lock(mutex_);
  auto current = std::find_if(vars_.begin(), vars_.end(), [&](const auto& entry) {
    return protocol::iequals(entry.first, name);
  });
  if (current != vars_.end()) {
    if (current->second != expected) return false;
  } else if (!expected.empty()) {
    return false;
  }
  set_locked(name, value);
  return true;
}

std::map<std::string, std::string> GlobalVars::snapshot() const {
  std::shared_lock lock(mutex_);
  return {vars_.begin(), vars_.end()};
}

std::vector<std::pair<std::string, std::string>> GlobalVars::ordered() const {
  std::shared_lock lock(mutex_);
  return vars_;
}

std::string expand_variables(std::string_view text, const GlobalVars& globals,
                             const ExpansionScope& scope) {
  ExpansionBudget own;
  struct Activation {
    ExpansionBudget* outer = active_budget;
    ExpansionBudget& budget;
    explicit Activation(ExpansionBudget& mine) : budget(outer ? *outer : mine) {
      active_budget = &budget;
    }
    ~Activation() { active_budget = outer; }
  } activation(own);
  ExpansionBudget& budget = activation.budget;
  std::string result = Expander(globals, scope, budget).run(text, 0);
  if (!budget.exhausted) return result;
  if (!budget.reported && scope.log) {
    budget.reported = true;
    std::string_view start = text.substr(0, 64);
    scope.log->log(
        static_cast<int>(LogLevel::kWarning), __FILE__, __func__, __LINE__,
        fmt::format("variable expansion refused after {} references and {} bytes "
                    "(bounds {} and {}); it yields nothing. Input starts [{}]",
                    budget.steps, budget.bytes, kExpansionMaxSteps, kExpansionMaxBytes, start),
        scope.session_uuid);
  }
  return {};
}

std::string expand_variables(std::string_view text, const GlobalVars& globals,
                             const VarLookup& lookup, const ApiCall& api) {
  ExpansionScope scope;
  if (lookup) {
    scope.lookup = [&lookup](std::string_view name, int index) -> std::optional<std::string> {
      if (index >= 0) return std::nullopt;
      return lookup(name);
    };
  }
  scope.api = api;
  return expand_variables(text, globals, scope);
}

}  // namespace es::core
