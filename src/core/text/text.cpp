#include "core/text/text.hpp"

#include <array>
#include <climits>
#include <cstdlib>
#include <string>

#include "protocol/ascii.hpp"

namespace es::text {
namespace {

constexpr std::array<std::string_view, 7> kTrueWords = {"yes",     "on",     "true", "t",
                                                        "enabled", "active", "allow"};
constexpr std::array<std::string_view, 7> kFalseWords = {"no",       "off",      "false",   "f",
                                                         "disabled", "inactive", "disallow"};

bool is_c_space(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r');
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// What FreeSWITCH's atoi gives on glibc: (int)strtol, i.e. the low 32 bits of the saturated
// long. Only switch_true/switch_false use it, so that their truth tables match FreeSWITCH's.
int glibc_atoi(std::string_view text) {
  return static_cast<int>(c_atol(text));
}

bool is_one_of(std::string_view text, const std::array<std::string_view, 7>& words) {
  for (std::string_view word : words) {
    if (protocol::iequals(text, word)) return true;
  }
  return false;
}

}  // namespace

bool switch_true(std::string_view text) {
  return is_one_of(text, kTrueWords) || (is_number(text) && glibc_atoi(text) != 0);
}

bool switch_false(std::string_view text) {
  return is_one_of(text, kFalseWords) || (is_number(text) && glibc_atoi(text) == 0);
}

bool is_number(std::string_view text) {
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  for (char c : text) {
    if (c != '.' && !is_digit(c)) return false;
  }
  return true;
}

long long c_atol(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && is_c_space(text[i])) ++i;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  // Accumulate the magnitude unsigned so that LLONG_MIN's is representable.
  const unsigned long long limit =
      negative ? static_cast<unsigned long long>(LLONG_MAX) + 1 : LLONG_MAX;
  unsigned long long magnitude = 0;
  for (; i < text.size() && is_digit(text[i]); ++i) {
    auto digit = static_cast<unsigned>(text[i] - '0');
    if (magnitude > (limit - digit) / 10) {
      magnitude = limit;
      break;
    }
    magnitude = magnitude * 10 + digit;
  }
  if (!negative) return static_cast<long long>(magnitude);
  return magnitude == limit ? LLONG_MIN : -static_cast<long long>(magnitude);
}

int c_atoi(std::string_view text) {
  long long value = c_atol(text);
  if (value > INT_MAX) return INT_MAX;
  if (value < INT_MIN) return INT_MIN;
  return static_cast<int>(value);
}

double c_atof(std::string_view text) {
  std::string copy(text);  // strtod needs a terminated string
  return std::strtod(copy.c_str(), nullptr);
}

bool has_variable_reference(std::string_view text) {
  bool after_dollar = false;
  for (char c : text) {
    if (c == '$') {
      after_dollar = true;
    } else if (after_dollar) {
      if (c == '{') return true;
      if (c != '\\') after_dollar = false;
    }
  }
  return false;
}

bool has_escaped_data(std::string_view text) {
  for (std::size_t i = text.find('\\'); i != std::string_view::npos; i = text.find('\\', i)) {
    if (++i >= text.size()) return false;
    char c = text[i];
    if (c == '\\' || c == 'n' || c == 's' || c == 't' || c == '\'') return true;
  }
  return false;
}

}  // namespace es::text
