// `userauth` against the directory (docs/wire-protocol.md §3.3): credential parsing, the user
// lookup and the esl-* parameters that restrict what the connection may do.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/xml_config.hpp"

namespace es::eventsocket {

struct UserauthCredentials {
  std::string user;
  std::string domain;
  std::optional<std::string> password;  // absent when the text carries no ':'
};

// Parses the text after "userauth " (cut at the first CR or LF): `user@domain:pass` or
// `user:pass@domain`. Split at the first '@'; a ':' in the domain part starts a password; a
// ':' in the user part starts one too and takes precedence. nullopt when user or domain is
// empty.
std::optional<UserauthCredentials> parse_userauth(std::string_view text);

// esl-allowed-events / esl-allowed-api values: separated by ',', or by ' ' when the value
// contains a space. Words are kept as written (empty ones included); resolving event names and
// the "words after CUSTOM are subclasses" rule is the caller's business.
std::vector<std::string> split_allowed_list(std::string_view value);

struct UserauthResult {
  bool accepted = false;
  std::string user;  // "user@domain" as given
  // Raw parameter values for the reply headers; nullopt means "all" (no restriction).
  std::optional<std::string> allowed_events;
  std::optional<std::string> allowed_api;
  bool allowed_log = true;
  // The same lists split by split_allowed_list; empty when the raw value is absent.
  std::vector<std::string> allowed_event_names;
  std::vector<std::string> allowed_api_names;
};

// Looks the user up (`id` in domain; params from domain, group, user) and checks the password
// against a non-empty esl-password, exactly and case-sensitively. Anything else: not accepted.
UserauthResult authenticate_directory_user(const core::XmlConfig& config, std::string_view text);

// Compares a password as given with the expected one (auth and userauth) in a time that
// depends only on the given length: it never stops at the first difference.
bool passwords_equal(std::string_view given, std::string_view expected);

}  // namespace es::eventsocket
