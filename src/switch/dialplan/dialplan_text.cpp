#include "switch/dialplan/dialplan_text.hpp"

#include <array>
#include <cctype>
#include <climits>

namespace es::sw {
namespace {

bool equals_nocase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool fs_true(std::string_view text) {
  constexpr std::array<std::string_view, 7> kWords{"yes",     "on",     "true", "t",
                                                   "enabled", "active", "allow"};
  for (std::string_view word : kWords) {
    if (equals_nocase(text, word)) return true;
  }
  return fs_is_number(text) && fs_atoi(text) != 0;
}

bool fs_is_number(std::string_view text) {
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c != '.' && (c < '0' || c > '9')) return false;
  }
  return true;
}

int fs_atoi(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  // glibc's atoi is (int)strtol: saturate at the long range, then keep the low bits.
  unsigned long long value = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    value = value * 10 + static_cast<unsigned>(text[i] - '0');
    if (value > static_cast<unsigned long long>(LONG_MAX))
      value = static_cast<unsigned long long>(LONG_MAX) + 1;
  }
  long as_long = 0;
  if (value > static_cast<unsigned long long>(LONG_MAX)) {
    as_long = negative ? LONG_MIN : LONG_MAX;
  } else {
    as_long = negative ? -static_cast<long>(value) : static_cast<long>(value);
  }
  return static_cast<int>(as_long);
}

bool fs_needs_expansion(std::string_view text) {
  bool after_dollar = false;
  for (char c : text) {
    if (c == '$') {
      after_dollar = true;
    } else if (after_dollar) {
      if (c == '{') return true;
      if (c != '\\') after_dollar = false;
    }
  }
  for (std::size_t i = text.find('\\'); i != std::string_view::npos; i = text.find('\\', i)) {
    ++i;
    if (i >= text.size()) break;
    char c = text[i];
    if (c == '\\' || c == 'n' || c == 's' || c == 't' || c == '\'') return true;
  }
  return false;
}

}  // namespace es::sw
