#include "apps/escli/json_text.hpp"

#include <fmt/format.h>

namespace es::apps::escli {

std::string json_quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out += c;
        }
    }
  }
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
