#include "switch/dial_string_map.hpp"

namespace es::sw {

DialStringMap DialStringMap::from_config(const core::XmlConfig& xml, std::size_t* ignored) {
  DialStringMap map;
  std::size_t refused = 0;
  pugi::xml_node section = xml.configuration("switch.conf").child("dial-string-map");
  for (pugi::xml_node rule : section.children("map")) {
    std::string from = rule.attribute("from").as_string();
    std::string to = rule.attribute("to").as_string();
    if (to.empty() || !map.add(std::move(from), std::move(to))) ++refused;
  }
  if (ignored) *ignored = refused;
  return map;
}

bool DialStringMap::add(std::string from, std::string to) {
  if (from.empty() || rules_.size() >= kMaxRules) return false;
  rules_.push_back(Rule{std::move(from), std::move(to)});
  return true;
}

std::optional<std::string> DialStringMap::map(std::string_view leg) const {
  for (const Rule& rule : rules_) {
    std::string_view from = rule.from;
    std::string_view rest;
    if (from.ends_with('*')) {
      from.remove_suffix(1);
      if (!leg.starts_with(from)) continue;
      rest = leg.substr(from.size());
    } else if (leg != from) {
      continue;
    }
    std::string out;
    out.reserve(rule.to.size() + rest.size());
    for (char c : rule.to) {
      if (c == '*') {
        out += rest;
      } else {
        out += c;
      }
    }
    return out;
  }
  return std::nullopt;
}

}  // namespace es::sw
