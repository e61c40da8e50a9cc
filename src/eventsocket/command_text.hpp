// Small text helpers shared by the command handlers.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace es::eventsocket {

inline bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         });
}

inline bool equals_nocase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && starts_with_nocase(a, b);
}

inline bool contains_nocase(std::string_view text, std::string_view needle) {
  auto it = std::search(text.begin(), text.end(), needle.begin(), needle.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  });
  return it != text.end();
}

inline std::string_view skip_spaces(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  return text;
}

// "name rest of line" -> {name, rest}; rest is empty when there is no space.
inline std::pair<std::string_view, std::string_view> split_command(std::string_view text) {
  auto space = text.find(' ');
  if (space == std::string_view::npos) return {text, {}};
  return {text.substr(0, space), text.substr(space + 1)};
}

// Splits at single spaces, dropping empty words (FreeSWITCH's event/nixevent parsing).
inline std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  while (!text.empty()) {
    auto space = text.find(' ');
    auto word = text.substr(0, space);
    if (!word.empty()) words.push_back(word);
    if (space == std::string_view::npos) break;
    text.remove_prefix(space + 1);
  }
  return words;
}

// switch_true: yes, on, true, t, enabled, active, allow (any case) or a non-zero number.
inline bool is_true_value(std::string_view value) {
  for (std::string_view word : {"yes", "on", "true", "t", "enabled", "active", "allow"}) {
    if (equals_nocase(value, word)) return true;
  }
  if (value.empty()) return false;
  bool digits = std::all_of(value.begin(), value.end(),
                            [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  return digits && std::any_of(value.begin(), value.end(), [](char c) { return c != '0'; });
}

}  // namespace es::eventsocket
