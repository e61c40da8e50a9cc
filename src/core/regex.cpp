#include "core/regex.hpp"

#include <algorithm>
#include <cstdlib>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace es::core {
namespace {

// Contexts are only read by compile and match, so one of each serves every thread.
pcre2_match_context* bounded_match_context() {
  static pcre2_match_context* context = [] {
    pcre2_match_context* made = pcre2_match_context_create(nullptr);
    pcre2_set_match_limit(made, kRegexMatchLimit);
    pcre2_set_depth_limit(made, kRegexDepthLimit);
    pcre2_set_heap_limit(made, kRegexHeapLimitKiB);
    return made;
  }();
  return context;
}

pcre2_compile_context* bounded_compile_context() {
  static pcre2_compile_context* context = [] {
    pcre2_compile_context* made = pcre2_compile_context_create(nullptr);
    pcre2_set_max_pattern_length(made, kRegexMaxPatternBytes);
    return made;
  }();
  return context;
}

std::string pcre2_message(int code) {
  PCRE2_UCHAR message[128];
  if (pcre2_get_error_message(code, message, sizeof(message)) < 0) return "unknown error";
  return std::string(reinterpret_cast<const char*>(message));
}

}  // namespace

struct Regex::Code {
  pcre2_code* code = nullptr;
  pcre2_match_data* data = nullptr;
  ~Code() {
    if (data) pcre2_match_data_free(data);
    if (code) pcre2_code_free(code);
  }
};

Regex::Regex(std::string_view pattern, std::uint32_t flags) {
  std::uint32_t options = 0;
  if (flags & kCaseless) options |= PCRE2_CASELESS;
  if (flags & kDotAll) options |= PCRE2_DOTALL;
  int error_code = 0;
  PCRE2_SIZE error_offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                   options, &error_code, &error_offset, bounded_compile_context());
  if (code == nullptr) {
    error_ = pcre2_message(error_code) + " at " + std::to_string(error_offset);
    return;
  }
  code_ = std::make_unique<Code>();
  code_->code = code;
  code_->data = pcre2_match_data_create_from_pattern(code, nullptr);
  if (code_->data == nullptr) {
    code_.reset();
    error_ = "out of memory";
  }
}

Regex::~Regex() = default;
Regex::Regex(Regex&&) noexcept = default;
Regex& Regex::operator=(Regex&&) noexcept = default;

int Regex::match(std::string_view subject, std::vector<std::pair<std::size_t, std::size_t>>* spans,
                 std::string* limit_error) const {
  if (!code_) return 0;
  int rc = pcre2_match(code_->code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0,
                       0, code_->data, bounded_match_context());
  if (rc <= 0) {
    if (limit_error && (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
                        rc == PCRE2_ERROR_HEAPLIMIT)) {
      *limit_error = pcre2_message(rc);
    }
    return 0;
  }
  if (spans) {
    spans->clear();
    PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(code_->data);
    for (int i = 0; i < rc; ++i) {
      PCRE2_SIZE start = ovector[2 * static_cast<std::size_t>(i)];
      PCRE2_SIZE end = ovector[2 * static_cast<std::size_t>(i) + 1];
      if (start == PCRE2_UNSET || end < start) {
        spans->emplace_back(std::string::npos, std::string::npos);
      } else {
        spans->emplace_back(start, end);
      }
    }
  }
  return rc;
}

std::optional<std::string_view> RegexMatch::group(int n) const {
  if (n < 0 || static_cast<std::size_t>(n) >= spans.size()) return std::nullopt;
  auto [begin, end] = spans[static_cast<std::size_t>(n)];
  if (begin == std::string::npos) return std::nullopt;
  return std::string_view(subject).substr(begin, end - begin);
}

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
  if (out.size() > 255) out.resize(255);
  return out;
}

RegexMatch regex_perform(std::string_view subject, std::string_view expression,
                         std::string* error) {
  RegexMatch result;
  // FreeSWITCH's strings end at a NUL.
  expression = expression.substr(0, expression.find('\0'));
  std::string pattern;
  if (!expression.empty() && expression.front() == '_') {
    pattern = asterisk_to_regex(expression.substr(1));
  } else {
    pattern = std::string(expression);
  }
  std::uint32_t flags = Regex::kNone;
  if (!pattern.empty() && pattern.front() == '/') {
    std::size_t close = pattern.rfind('/');
    if (close == 0) {
      if (error) *error = "missing ending '/' delimiter";
      return result;
    }
    std::string_view options = std::string_view(pattern).substr(close + 1);
    if (options.find('i') != std::string_view::npos) flags |= Regex::kCaseless;
    if (options.find('s') != std::string_view::npos) flags |= Regex::kDotAll;
    pattern = pattern.substr(1, close - 1);
  }
  Regex regex(pattern, flags);
  if (!regex.valid()) {
    if (error) *error = regex.error();
    return result;
  }
  result.count = regex.match(subject, &result.spans, error);
  if (result.count > 0) result.subject = std::string(subject);
  return result;
}

std::string perform_substitution(const RegexMatch& match, std::string_view data,
                                 std::size_t limit) {
  limit = std::min(limit, kRegexMaxOutputBytes);
  std::string out;
  auto is_digit = [&](std::size_t i) {
    return i < data.size() && data[i] >= '0' && data[i] <= '9';
  };
  // FreeSWITCH keeps its digit buffer across references when a "${N" lacks its '}', so a
  // later reference's number is appended to the stale digits; reproduced here. Each pass
  // either writes a byte or moves forward, so the output bound also bounds the work.
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
        // FreeSWITCH steps back by the digit count and reads before the start of its data
        // when stale digits make that count larger than the position; stop at the start.
        std::size_t back = index.size() - 1;
        x = back < x ? x - back : 1;
        out += data[x - 1];
        continue;
      }
      ++x;
    }
    int number = std::atoi(index.c_str());
    index.clear();
    if (number < 0 || number > 256) continue;
    if (auto group = match.group(number)) {
      std::string_view text = group->substr(0, group->find('\0'));
      out += text.substr(0, limit - out.size());
    }
  }
  return out;
}

std::vector<std::string> captured_groups(const RegexMatch& match, int count) {
  std::vector<std::string> values;
  std::size_t total = 0;
  int usable = std::min<int>(count, static_cast<int>(match.spans.size()));
  for (int i = 0; i < usable; ++i) {
    auto group = match.group(i);
    if (!group) continue;
    total += group->size();
    if (total > kRegexMaxOutputBytes) break;
    values.emplace_back(*group);
  }
  return values;
}

}  // namespace es::core
