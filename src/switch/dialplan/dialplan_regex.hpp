// The regular-expression rules of FreeSWITCH's dialplans (src/switch_regex.c) live in the core
// (core/regex.hpp), shared with the regex API and event filters; the dialplan's names for them.
#pragma once

#include "core/regex.hpp"

namespace es::sw {

using core::asterisk_to_regex;
using core::captured_groups;
using core::perform_substitution;
using core::regex_perform;
using core::RegexMatch;

}  // namespace es::sw
