#include "amqp/routing_key.hpp"

namespace es::amqp {
namespace {

constexpr char kUpperHex[] = "0123456789ABCDEF";

constexpr bool key_safe(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '~' || c == '_';
}

}  // namespace

void append_key_escaped(std::string& out, std::string_view value) {
  // A lone wildcard passes so a header may route to "#"; mod_amqp does the same.
  if (value == "#" || value == "*") {
    out.append(value);
    return;
  }
  for (char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (key_safe(c)) {
      out.push_back(ch);
    } else if (c == '.') {
      out.append("%2E");
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      // mod_amqp shifts a signed char here, which garbles bytes >= 0x80; we write proper
      // hex for them (docs/amqp.md).
      const char escaped[3] = {'%', kUpperHex[c >> 4], kUpperHex[c & 0x0F]};
      out.append(escaped, 3);
    }
  }
}

std::string build_routing_key(const std::vector<KeySegment>& segments, const core::Event& event) {
  std::string key;
  bool first = true;
  for (const KeySegment& segment : segments) {
    if (segment.alternatives.empty()) continue;
    if (!first) key.push_back('.');
    first = false;
    for (const std::string& name : segment.alternatives) {
      if (!name.empty() && name.front() == '#') {
        key.append(name, 1);
        break;
      }
      if (const std::string* value = event.header(name)) {
        append_key_escaped(key, *value);
        break;
      }
    }
    if (key.size() >= kMaxRoutingKeyBytes) break;
  }
  if (key.size() > kMaxRoutingKeyBytes) key.resize(kMaxRoutingKeyBytes);
  return key;
}

}  // namespace es::amqp
