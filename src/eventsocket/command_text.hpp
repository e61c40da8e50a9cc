// Small text helpers shared by the command handlers (FreeSWITCH's own text helpers are
// core/text; case-insensitive comparison is protocol/ascii.hpp).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace es::eventsocket {

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

}  // namespace es::eventsocket
