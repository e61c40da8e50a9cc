// FreeSWITCH's small text predicates and number readers (switch_utils.h and the C library as
// FreeSWITCH calls it), each defined once for the whole tree. docs/text-utilities.md has the
// truth tables; ASCII case-insensitive comparison is protocol/ascii.hpp.
#pragma once

#include <string>
#include <string_view>

namespace es::text {

// switch_true: "yes", "on", "true", "t", "enabled", "active", "allow" in any case, or a
// switch_is_number text whose atoi is not 0. atoi is glibc's, which FreeSWITCH runs on: strtol's
// value cut to its low 32 bits, so "4294967296" is false there and here. A missing value (NULL in
// FreeSWITCH) is false: pass a null pointer, or write `v && switch_true(*v)` for an optional.
bool switch_true(std::string_view text);
inline bool switch_true(const std::string* text) {
  return text && switch_true(std::string_view(*text));
}
// switch_false: "no", "off", "false", "f", "disabled", "inactive", "disallow" in any case, or a
// switch_is_number text whose atoi (as above) is 0, so switch_false("") holds. Not the negation
// of switch_true: "maybe" is neither. A missing value is neither too.
bool switch_false(std::string_view text);
inline bool switch_false(const std::string* text) {
  return text && switch_false(std::string_view(*text));
}

// switch_is_number: an optional leading sign, then only digits and dots, so "", "-", "1.2.3" and
// "." count as numbers. It does not skip spaces.
bool is_number(std::string_view text);

// C's strtol/atol: leading white space (" \t\n\v\f\r"), an optional sign, then decimal digits up
// to the first other byte; 0 when there are none. Out of range saturates at the long long
// limits, as strtoll does.
long long c_atol(std::string_view text);
// C's atoi read the same way, saturating at the int limits. (glibc's atoi wraps instead, an
// overflow C leaves undefined; the tree's rule is to saturate, see core/saturating.hpp.)
int c_atoi(std::string_view text);
// C's atof (strtod): leading white space, then the longest number prefix; 0 when there is none.
double c_atof(std::string_view text);

// switch_string_var_check_const: a '$' followed, after any backslashes, by '{'.
bool has_variable_reference(std::string_view text);
// switch_string_has_escaped_data: a backslash before one of \ n s t '.
bool has_escaped_data(std::string_view text);
// Whether FreeSWITCH's channel/event expansion would change `text` at all (it returns the text
// untouched unless one of the two above holds).
inline bool needs_expansion(std::string_view text) {
  return has_variable_reference(text) || has_escaped_data(text);
}

}  // namespace es::text
