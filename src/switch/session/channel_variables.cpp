#include "switch/session/channel_variables.hpp"

#include "core/event.hpp"

namespace es::sw {

const std::string* ChannelVariables::find(std::string_view name) const {
  for (const auto& [n, v] : vars_) {
    if (core::header_name_equals(n, name)) return &v;
  }
  return nullptr;
}

void ChannelVariables::erase(std::string_view name) {
  for (auto it = vars_.begin(); it != vars_.end(); ++it) {
    if (core::header_name_equals(it->first, name)) {
      vars_.erase(it);
      return;
    }
  }
}

void ChannelVariables::set(std::string_view name, std::string_view value) {
  erase(name);
  if (!value.empty()) vars_.emplace_back(std::string(name), std::string(value));
}

void ChannelVariables::push(std::string_view name, std::string_view value, bool front) {
  const std::string* current = find(name);
  std::vector<std::string> elements;
  if (current) elements = array_elements(*current);
  if (front) {
    elements.insert(elements.begin(), std::string(value));
  } else {
    elements.emplace_back(value);
  }
  std::string joined = "ARRAY::";
  for (std::size_t i = 0; i < elements.size(); ++i) {
    if (i) joined += "|:";
    joined += elements[i];
  }
  // A single element is stored as a plain value, as FreeSWITCH does.
  set(name, elements.size() == 1 ? elements[0] : joined);
}

std::vector<std::string> array_elements(std::string_view value) {
  std::vector<std::string> out;
  constexpr std::string_view kPrefix = "ARRAY::";
  if (value.substr(0, kPrefix.size()) != kPrefix) {
    out.emplace_back(value);
    return out;
  }
  value.remove_prefix(kPrefix.size());
  for (;;) {
    auto sep = value.find("|:");
    out.emplace_back(value.substr(0, sep));
    if (sep == std::string_view::npos) break;
    value.remove_prefix(sep + 2);
  }
  return out;
}

}  // namespace es::sw
