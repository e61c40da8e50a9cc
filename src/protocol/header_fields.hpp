// Small helpers shared by the parsers: C atoi-style parsing of Content-Length values and the
// rule for header names from peers (header names compare with iequals, from ascii.hpp).
#pragma once

#include <string_view>

#include "protocol/ascii.hpp"

namespace es::protocol {

// Whether `name` may become a header name of an event: event names are written raw in every
// format, so a name from a peer (sendevent's headers, a channel variable's name) must not hold
// control bytes (CR or LF would start a header line of their own in plain events), ':' (it
// would end the name when read back) or < > & (XML element names). Entry points refuse other
// names with an -ERR reply (or a logged warning where nobody awaits a reply).
inline bool valid_header_name(std::string_view name) {
  for (char c : name) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F || c == ':' || c == '<' || c == '>' || c == '&') return false;
  }
  return true;
}

// Parses like C's atoi: leading white space skipped, optional sign, then decimal digits up to
// the first other byte; no digits gives 0. Magnitudes saturate at kSaturatedInteger (1e17)
// instead of overflowing, which keeps every huge value out of range for any sane limit.
inline constexpr long long kSaturatedInteger = 100000000000000000LL;
inline long long parse_c_integer(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size() && (text[pos] == ' ' || (text[pos] >= '\t' && text[pos] <= '\r'))) {
    ++pos;
  }
  bool negative = false;
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    negative = text[pos] == '-';
    ++pos;
  }
  long long value = 0;
  for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) {
    if (value < kSaturatedInteger) value = value * 10 + (text[pos] - '0');
  }
  if (value > kSaturatedInteger) value = kSaturatedInteger;
  return negative ? -value : value;
}

}  // namespace es::protocol
