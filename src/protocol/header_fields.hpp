// Small helpers shared by the parsers: ASCII case-insensitive comparison of header names and
// C atoi-style parsing of Content-Length values.
#pragma once

#include <string_view>

namespace es::protocol {

inline char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
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
