// The variables a call sees of its own: the channel's variables and, above them, the scoped
// variables of the %[...] arguments of running applications, innermost first
// (docs/call-behaviour.md §6). Not synchronised: the owning Session locks around it.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/event.hpp"
#include "switch/session/channel_variables.hpp"

namespace es::sw {

class ChannelVariableStore {
 public:
  using Scope = std::vector<std::pair<std::string, std::string>>;

  // --- channel variables -----------------------------------------------------------------
  const std::string* find(std::string_view name) const { return channel_.find(name); }
  void set(std::string_view name, std::string_view value) { channel_.set(name, value); }
  void push(std::string_view name, std::string_view value, bool front) {
    channel_.push(name, value, front);
  }
  const std::vector<std::pair<std::string, std::string>>& list() const { return channel_.list(); }

  // --- scoped variables ------------------------------------------------------------------
  void push_scope(Scope scope) { scopes_.push_back(std::move(scope)); }
  void pop_scope();  // none left: nothing happens

  // The innermost scoped variable of that name, else the channel variable; null if neither.
  const std::string* lookup(std::string_view name) const;
  // scope_variable_* headers (innermost scope wins, a header already there stays), then
  // variable_* headers of the channel variables in their order.
  void add_event_headers(core::Event& event) const;

 private:
  ChannelVariables channel_;
  std::vector<Scope> scopes_;  // innermost last
};

}  // namespace es::sw
