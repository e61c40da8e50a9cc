// The little JSON escli writes: quoted strings and objects of string members, compact (one
// line, for --json) or indented (for reading events on a terminal).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace es::apps::escli {

// `text` as a JSON string literal, quotes included. Bytes of 0x80 and up pass through (the
// switch speaks UTF-8); control characters are escaped.
std::string json_quote(std::string_view text);

using JsonMembers = std::vector<std::pair<std::string, std::string>>;

// {"a":"1","b":"2"}
std::string json_object_line(const JsonMembers& members);
// {
//   "a": "1",
//   "b": "2"
// }
std::string json_object_pretty(const JsonMembers& members);

}  // namespace es::apps::escli
