// Small text predicates of FreeSWITCH that the dialplans depend on, with its exact rules.
#pragma once

#include <string_view>

namespace es::sw {

// switch_true: yes/on/true/t/enabled/active/allow (any case) or a non-zero number.
bool fs_true(std::string_view text);
// switch_is_number: optional sign, then only digits and dots (so "" and "-" count).
bool fs_is_number(std::string_view text);
// C atoi: leading spaces, sign, digits; 0 when there is no number.
int fs_atoi(std::string_view text);
// Whether channel expansion would rewrite `text`: a "${" (a '$' followed, after optional
// backslashes, by '{') or an escape (\\, \n, \s, \t, \').
bool fs_needs_expansion(std::string_view text);

}  // namespace es::sw
