// The regular-expression rules of FreeSWITCH's dialplans (src/switch_regex.c): PCRE2
// patterns, optionally written as /re/flags or as Asterisk-style "_" patterns, and "$1"
// capture substitution.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace es::sw {

struct RegexMatch {
  // PCRE2's match count: 0 when nothing matched (or the pattern is invalid), else one more
  // than the highest group that took part.
  int count = 0;
  // Groups 0..count-1; nullopt for a group that did not take part.
  std::vector<std::optional<std::string>> groups;
};

// "_NXXZ." -> "^[2-9][0-9][0-9][1-9].*$": N=[2-9], X=[0-9], Z=[1-9], '.'=".*"; `pattern` is
// the text after the leading '_'.
std::string asterisk_to_regex(std::string_view pattern);

// Matches `subject` against `expression` ("_..." Asterisk pattern, "/re/flags" with flags i
// and s, or a plain PCRE2 pattern). An invalid pattern yields no match and sets `error`.
RegexMatch regex_perform(std::string_view subject, std::string_view expression,
                         std::string* error = nullptr);

// Replaces "$N" and "${N}" in `data` by group N of `match` (nothing when the group is
// missing); other '$' stay. At most `limit` characters are produced, as FreeSWITCH's fixed
// buffer allows.
std::string perform_substitution(const RegexMatch& match, std::string_view data,
                                 std::size_t limit = std::string::npos);

// The groups FreeSWITCH pushes into a capture variable (DP_MATCH): groups 0..count-1 that
// took part.
std::vector<std::string> captured_groups(const RegexMatch& match, int count);

}  // namespace es::sw
