// ASCII case handling: the one place for case-insensitive comparison and lowering. FreeSWITCH
// compares names with strcasecmp in the C locale, so only A-Z fold; bytes >= 0x80 never do,
// whatever locale the process runs in. It lives in protocol (the lowest layer) because the
// parsers and the client library need it too.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

namespace es::protocol {

inline constexpr char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
}

inline constexpr bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

inline constexpr bool istarts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

// Position of the first case-insensitive occurrence of `needle` at or after `from`, or npos
// (std::search's rule: an empty needle is found anywhere but at the very end).
inline std::size_t ifind(std::string_view text, std::string_view needle, std::size_t from = 0) {
  if (from > text.size()) return std::string_view::npos;
  auto it =
      std::search(text.begin() + static_cast<std::ptrdiff_t>(from), text.end(), needle.begin(),
                  needle.end(), [](char a, char b) { return ascii_lower(a) == ascii_lower(b); });
  return it == text.end() ? std::string_view::npos : static_cast<std::size_t>(it - text.begin());
}

inline bool icontains(std::string_view text, std::string_view needle) {
  return ifind(text, needle) != std::string_view::npos;
}

inline std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

// Case-insensitive ordering for maps keyed by names; transparent, so lookups by string_view
// need no lowered copy of the key.
struct ILess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
      return static_cast<unsigned char>(ascii_lower(x)) <
             static_cast<unsigned char>(ascii_lower(y));
    });
  }
};

}  // namespace es::protocol
