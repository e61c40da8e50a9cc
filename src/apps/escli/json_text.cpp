#include "apps/escli/json_text.hpp"

#include "protocol/escape.hpp"

namespace es::apps::escli {

std::string json_quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  protocol::json_escape_append(out, text);
  out += '"';
  return out;
}

std::string json_object_line(const JsonMembers& members) {
  std::string out = "{";
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (i) out += ',';
    out += json_quote(members[i].first);
    out += ':';
    out += json_quote(members[i].second);
  }
  out += '}';
  return out;
}

std::string json_object_pretty(const JsonMembers& members) {
  if (members.empty()) return "{}";
  std::string out = "{\n";
  for (std::size_t i = 0; i < members.size(); ++i) {
    out += "  ";
    out += json_quote(members[i].first);
    out += ": ";
    out += json_quote(members[i].second);
    out += i + 1 < members.size() ? ",\n" : "\n";
  }
  out += '}';
  return out;
}

}  // namespace es::apps::escli
