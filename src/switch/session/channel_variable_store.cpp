#include "switch/session/channel_variable_store.hpp"

#include <ranges>

namespace es::sw {

void ChannelVariableStore::pop_scope() {
  if (!scopes_.empty()) scopes_.pop_back();
}

const std::string* ChannelVariableStore::lookup(std::string_view name) const {
  for (const auto& scope : std::views::reverse(scopes_)) {
    for (const auto& [n, v] : scope) {
      if (core::header_name_equals(n, name)) return &v;
    }
  }
  return channel_.find(name);
}

void ChannelVariableStore::add_event_headers(core::Event& event) const {
  std::string name;
  for (const auto& scope : std::views::reverse(scopes_)) {
    for (const auto& [var, value] : scope) {
      name = "scope_variable_";
      name += var;
      if (!event.header(name)) event.add_header(name, value);
    }
  }
  for (const auto& [var, value] : channel_.list()) {
    name = "variable_";
    name += var;
    event.add_header(name, value);
  }
}

}  // namespace es::sw
