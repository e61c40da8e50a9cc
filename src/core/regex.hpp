// Regular expressions as FreeSWITCH uses them (src/switch_regex.c): PCRE2 patterns, written
// plain, as "/re/flags" (i, s) or in Asterisk's "_NXZ." notation, and "$N" substitution. The
// one home of PCRE2 for the dialplan, the regex API and event filters, so that every match
// runs with the same bounds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace es::core {

// Bounds of one match (PCRE2's match, depth and heap limits; PCRE2's own defaults are
// 10,000,000 steps and 20 GB of backtracking memory). A match that reaches one ends as no
// match; callers that report regex errors report it as such. Legitimate dialplan and filter
// patterns stay far below (a few hundred steps); catastrophic backtracking stops within
// milliseconds, and a repeated group over a long subject within 16 MiB.
inline constexpr std::uint32_t kRegexMatchLimit = 1'000'000;
inline constexpr std::uint32_t kRegexDepthLimit = 100'000;
inline constexpr std::uint32_t kRegexHeapLimitKiB = 16 * 1024;
// Longest pattern compiled; a longer one fails to compile (an invalid pattern never matches).
inline constexpr std::size_t kRegexMaxPatternBytes = std::size_t{64} * 1024;
// Most bytes made from one match: a substitution's output, or the captures the dialplan
// stores. Output beyond it is cut, like FreeSWITCH cuts at its buffer's end.
inline constexpr std::size_t kRegexMaxOutputBytes = std::size_t{16} * 1024 * 1024;

// A compiled pattern with its own match data: match() may be called by one thread at a time.
class Regex {
 public:
  enum Flags : std::uint32_t { kNone = 0, kCaseless = 1, kDotAll = 2 };

  // On failure valid() is false and error() says why ("<message> at <offset>").
  Regex(std::string_view pattern, std::uint32_t flags = kNone);
  ~Regex();
  Regex(Regex&&) noexcept;
  Regex& operator=(Regex&&) noexcept;

  bool valid() const { return code_ != nullptr; }
  const std::string& error() const { return error_; }

  // PCRE2's count: one more than the highest group that took part, 0 for no match (also for
  // an invalid pattern or a match that reached a limit: then `limit_error`, if given, says
  // which). `spans`, if given, receives the offsets of groups 0..count-1 (npos when a group
  // did not take part).
  int match(std::string_view subject, std::vector<std::pair<std::size_t, std::size_t>>* spans,
            std::string* limit_error = nullptr) const;
  bool matches(std::string_view subject) const { return match(subject, nullptr) > 0; }

 private:
  struct Code;
  std::unique_ptr<Code> code_;
  std::string error_;
};

struct RegexMatch {
  // PCRE2's match count: 0 when nothing matched (or the pattern is invalid), else one more
  // than the highest group that took part.
  int count = 0;
  std::string subject;
  // [begin, end) of groups 0..count-1 in `subject`; begin is npos for a group that did not
  // take part. Offsets, not copies: overlapping groups cost no more memory than the subject.
  std::vector<std::pair<std::size_t, std::size_t>> spans;

  // Group `n`, or nullopt when it did not take part or does not exist. Valid while this lives.
  std::optional<std::string_view> group(int n) const;
};

// "_NXXZ." -> "^[2-9][0-9][0-9][1-9].*$": N=[2-9], X=[0-9], Z=[1-9], '.'=".*"; `pattern` is
// the text after the leading '_'. Cut at 255 bytes, as FreeSWITCH's buffer.
std::string asterisk_to_regex(std::string_view pattern);

// switch_regex_perform: matches `subject` against `expression` ("_..." Asterisk pattern,
// "/re/flags" with flags i and s, or a plain PCRE2 pattern). An invalid pattern yields no
// match and sets `error`; so does a match that reached a limit.
RegexMatch regex_perform(std::string_view subject, std::string_view expression,
                         std::string* error = nullptr);

// switch_perform_substitution: replaces "$N" and "${N}" in `data` by group N of `match`
// (nothing when the group is missing); other '$' stay. Produces at most `limit` bytes (and
// never more than kRegexMaxOutputBytes), as FreeSWITCH's fixed buffer allows.
std::string perform_substitution(const RegexMatch& match, std::string_view data,
                                 std::size_t limit = std::string::npos);

// The groups FreeSWITCH pushes into a capture variable (DP_MATCH): groups 0..count-1 that
// took part, until together they pass kRegexMaxOutputBytes.
std::vector<std::string> captured_groups(const RegexMatch& match, int count);

}  // namespace es::core
