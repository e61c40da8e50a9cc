#include "switch/dialplan/dialplan_regex.hpp"

#include <algorithm>
#include <cstdlib>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace es::sw {

std::string asterisk_to_regex(std::string_view pattern) {
  std::string out = "^";
  for (char c : pattern) {
    switch (c) {
      case 'N':
        out += "[2-9]";
        break;
      case 'X':
        out += "[0-9]";
        break;
      case 'Z':
        out += "[1-9]";
        break;
      case '.':
        out += ".*";
        break;
      default:
        out += c;
    }
  }
  out += '$';
  return out;
}

RegexMatch regex_perform(std::string_view subject, std::string_view expression,
                         std::string* error) {
  RegexMatch result;
  std::string pattern;
  if (!expression.empty() && expression.front() == '_') {
    pattern = asterisk_to_regex(expression.substr(1));
  } else {
    pattern = std::string(expression);
  }
  std::uint32_t options = 0;
  if (!pattern.empty() && pattern.front() == '/') {
    std::size_t close = pattern.rfind('/');
    if (close == 0) {
      if (error) *error = "missing ending '/' delimiter";
      return result;
    }
    std::string flags = pattern.substr(close + 1);
    if (flags.find('i') != std::string::npos) options |= PCRE2_CASELESS;
    if (flags.find('s') != std::string::npos) options |= PCRE2_DOTALL;
    pattern = pattern.substr(1, close - 1);
  }
  int error_code = 0;
  PCRE2_SIZE error_offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.c_str()), pattern.size(),
                                   options, &error_code, &error_offset, nullptr);
  if (code == nullptr) {
    if (error) {
      PCRE2_UCHAR message[128];
      pcre2_get_error_message(error_code, message, sizeof(message));
      *error = std::string(reinterpret_cast<const char*>(message)) + " at " +
               std::to_string(error_offset);
    }
    return result;
  }
  pcre2_match_data* match_data = pcre2_match_data_create_from_pattern(code, nullptr);
  int count = pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0, 0,
                          match_data, nullptr);
  if (count > 0) {
    result.count = count;
    PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(match_data);
    for (int i = 0; i < count; ++i) {
      PCRE2_SIZE start = ovector[2 * i];
      PCRE2_SIZE end = ovector[2 * i + 1];
      if (start == PCRE2_UNSET || end < start) {
        result.groups.emplace_back(std::nullopt);
      } else {
        result.groups.emplace_back(std::string(subject.substr(start, end - start)));
      }
    }
  }
  pcre2_match_data_free(match_data);
  pcre2_code_free(code);
  return result;
}

std::string perform_substitution(const RegexMatch& match, std::string_view data,
                                 std::size_t limit) {
  std::string out;
  auto is_digit = [&](std::size_t i) {
    return i < data.size() && data[i] >= '0' && data[i] <= '9';
  };
  // FreeSWITCH keeps its digit buffer across references when a "${N" lacks its '}', so a
  // later reference's number is appended to the stale digits; reproduced here.
  std::string index;
  std::size_t x = 0;
  while (out.size() < limit && x < data.size()) {
    if (data[x] != '$') {
      out += data[x++];
      continue;
    }
    ++x;
    bool brace = x < data.size() && data[x] == '{';
    if (brace) ++x;
    if (!is_digit(x)) {
      x -= brace ? 1 : 0;
      out += data[x - 1];
      continue;
    }
    while (is_digit(x) && index.size() < 9) index += data[x++];
    if (brace) {
      if (x >= data.size() || data[x] != '}') {
        std::size_t back = index.size() - 1;
        x = back < x ? x - back : 1;
        out += data[x - 1];
        continue;
      }
      ++x;
    }
    int number = std::atoi(index.c_str());
    index.clear();
    if (number >= 0 && number <= 256 && number < static_cast<int>(match.groups.size()) &&
        match.groups[number]) {
      const std::string& group = *match.groups[number];
      out += group.substr(0, limit - out.size());
    }
  }
  return out;
}

std::vector<std::string> captured_groups(const RegexMatch& match, int count) {
  std::vector<std::string> values;
  int usable = std::min<int>(count, static_cast<int>(match.groups.size()));
  for (int i = 0; i < usable; ++i) {
    if (match.groups[i]) values.push_back(*match.groups[i]);
  }
  return values;
}

}  // namespace es::sw
