// A RoutingChannel over plain maps, recording what the dialplan did to it.
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "switch/dialplan/routing_channel.hpp"

namespace es::sw::testing {

class FakeRoutingChannel : public RoutingChannel {
 public:
  std::map<std::string, std::string, std::less<>> profile;
  std::map<std::string, std::string, std::less<>> variables;
  std::set<std::string, std::less<>> inline_allowed{"set", "unset", "log", "export"};
  std::vector<std::pair<std::string, std::string>> inline_runs;
  std::vector<std::pair<int, std::string>> logs;
  std::int64_t now_us = 0;

  std::string profile_field(std::string_view name) const override {
    auto it = profile.find(name);
    return it == profile.end() ? std::string() : it->second;
  }
  // Replaces ${name} by the variable (or profile field) value; enough for the dialplan.
  std::string expand(std::string_view text) override {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
      if (text.substr(i, 2) == "${") {
        std::size_t close = text.find('}', i + 2);
        if (close != std::string_view::npos) {
          std::string_view name = text.substr(i + 2, close - i - 2);
          if (auto v = variable(name)) {
            out += *v;
          } else {
            out += profile_field(name);
          }
          i = close + 1;
          continue;
        }
      }
      out += text[i++];
    }
    return out;
  }
  std::optional<std::string> variable(std::string_view name) const override {
    auto it = variables.find(name);
    if (it == variables.end()) return std::nullopt;
    return it->second;
  }
  void set_variable(std::string_view name, std::string_view value) override {
    if (value.empty()) {
      variables.erase(std::string(name));
    } else {
      variables[std::string(name)] = std::string(value);
    }
  }
  void unset_variables_with_prefix(std::string_view prefix) override {
    std::erase_if(variables, [&](const auto& entry) { return entry.first.starts_with(prefix); });
  }
  std::int64_t now_epoch_us() const override { return now_us; }
  bool execute_inline(std::string_view application, std::string_view data) override {
    if (!inline_allowed.contains(application)) return false;
    inline_runs.emplace_back(std::string(application), std::string(data));
    if (application == "set") {
      std::size_t eq = data.find('=');
      if (eq != std::string_view::npos) set_variable(data.substr(0, eq), data.substr(eq + 1));
    }
    return true;
  }
  void log(int level, std::string_view text) override {
    logs.emplace_back(level, std::string(text));
  }
};

}  // namespace es::sw::testing
