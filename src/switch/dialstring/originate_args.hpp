// Arguments of the `originate` API command (docs/api-behaviour.md §4), split and defaulted
// the way mod_commands' originate_function does it. The dial string itself is left as text
// (see dial_string.hpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace es::sw {

struct OriginateArgs {
  std::string call_url;  // empty when given as `undef`
  bool is_app = false;   // second word "&name..." (with at least one character after '&')
  std::string app;
  std::string app_arg;       // text between '(' and the first ')'
  bool app_has_arg = false;  // "&app()" has an (empty) argument, "&app" has none
  std::string exten;         // the second word as written (also set for "&app(...)")
  std::string dialplan = "XML";
  std::string context = "default";
  std::optional<std::string> cid_name, cid_num;
  int timeout_s = 60;
};

inline constexpr std::string_view kOriginateUsage =
    "-USAGE: <call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] "
    "[<cid_name>] [<cid_num>] [<timeout_sec>]\n";

struct OriginateArgsResult {
  std::optional<OriginateArgs> args;
  std::string error_text;  // the exact reply on error (the usage line)
};

// Words are split with the space rule of switch_separate_string (quotes group, "^^X" changes
// the delimiter); 2..7 words are accepted and any word `undef` (any case) counts as absent.
// An absent <exten> crashes FreeSWITCH (assertion); here it is a usage error.
// A timeout of 0 (or not a number) means 60; a negative one, which FreeSWITCH turns into a
// huge unsigned value, becomes INT_MAX (no practical limit).
OriginateArgsResult parse_originate_args(std::string_view arg);

// Splits "name(arg)" the way originate_function does: cut at the first ')', then the
// argument starts after the first '(' of what is left.
void split_app_call(std::string_view text, std::string& app, std::string& arg, bool& has_arg);

}  // namespace es::sw
