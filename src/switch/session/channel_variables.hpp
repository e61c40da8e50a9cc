// A channel's variables: case-insensitive names, insertion order with "set moves to the end"
// (docs/call-behaviour.md §6.1). Not synchronised: the owning Session locks around it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace es::sw {

class ChannelVariables {
 public:
  const std::string* find(std::string_view name) const;
  // An empty value deletes the variable.
  void set(std::string_view name, std::string_view value);
  void erase(std::string_view name);
  // Array variables keep FreeSWITCH's "ARRAY::a|:b" form.
  void push(std::string_view name, std::string_view value, bool front = false);
  const std::vector<std::pair<std::string, std::string>>& list() const { return vars_; }

 private:
  std::vector<std::pair<std::string, std::string>> vars_;
};

// Splits "ARRAY::a|:b" into its elements; a plain value is one element.
std::vector<std::string> array_elements(std::string_view value);

}  // namespace es::sw
