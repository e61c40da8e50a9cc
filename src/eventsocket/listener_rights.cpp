// What a connection may reach (docs/security-rights.md): the policies made at authentication,
// and the checks of the commands that name other commands. The checks here give the early,
// FreeSWITCH-style `-ERR permission denied`; the boundary itself is the policy carried with
// every execution (core::ApiContext::rules, Session::confine), which nested commands,
// expansions and scheduled commands cannot leave.
#include <fmt/format.h>

#include "core/api_registry.hpp"
#include "eventsocket/command_text.hpp"
#include "eventsocket/directory_auth.hpp"
#include "eventsocket/listener.hpp"

namespace es::eventsocket {
namespace {

// How deep `bgapi expand xml_wrap ...` chains are followed before refusing.
constexpr int kMaxWrapDepth = 16;

// Commands whose argument starts with another command to run, and how many words precede
// it (sched_api: time and group).
int wrapped_command_offset(std::string_view name) {
  for (std::string_view w : {"bgapi", "expand", "xml_wrap"}) {
    if (name == w) return 0;
  }
  if (name == "sched_api") return 2;
  return -1;
}

std::vector<std::string> canonical_dirs(const std::vector<std::string>& dirs) {
  std::vector<std::string> out;
  for (const auto& dir : dirs) {
    std::string canonical = core::AccessPolicy::canonical_dir(dir);
    if (!canonical.empty()) out.push_back(std::move(canonical));
  }
  return out;
}

}  // namespace

bool Listener::api_allowed(std::string_view command, std::string_view arg) const {
  if (rules_.empty()) return true;
  // Nested commands are checked too, so bgapi or sched_api cannot smuggle a forbidden one.
  for (int depth = 0; depth < kMaxWrapDepth; ++depth) {
    if (rules_.refuses_api(command)) return false;
    int offset = wrapped_command_offset(command);
    if (offset < 0) return true;
    std::string_view rest = skip_spaces(arg);
    for (int i = 0; i < offset && !rest.empty(); ++i) {
      rest = skip_spaces(split_command(rest).second);
    }
    auto [next, next_arg] = split_command(rest);
    if (next.empty()) return true;
    command = next;
    arg = next_arg;
  }
  return false;
}

bool Listener::console_allowed(std::string_view line) const {
  if (rules_.empty()) return true;
  // Every `;;` part, split exactly as the console executor will split it.
  for (std::string_view part : core::ApiRegistry::console_parts(line)) {
    auto space = part.find(' ');
    std::string_view name = part.substr(0, space);
    std::string_view arg =
        space == std::string_view::npos ? std::string_view{} : part.substr(space + 1);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
    if (name.empty()) continue;  // runs nothing ("INVALID COMMAND!")
    if (!api_allowed(name, arg)) return false;
  }
  return true;
}

bool Listener::socket_command_allowed(std::string_view name) {
  // A userauth list must name it. Outbound servers' own policies are governed by `full`
  // instead (their list is of expansion commands), but one inherits its call's userauth rules.
  for (const auto& policy : rules_.policies()) {
    if (policy->api && !policy->call_only && !policy->allows_api(name)) {
      reply("-ERR permission denied");
      return false;
    }
  }
  return true;
}

core::AccessPolicyPtr Listener::password_policy() const {
  const auto& settings = context_.settings;
  if (!settings.allowed_file_dirs) return nullptr;
  auto policy = std::make_shared<core::AccessPolicy>();
  policy->who = fmt::format("event socket client {}", peer_);
  policy->file_dirs = canonical_dirs(*settings.allowed_file_dirs);
  return policy;
}

core::AccessPolicyPtr Listener::userauth_policy(
    const std::string& user, const std::optional<std::string>& allowed_api) const {
  const auto& settings = context_.settings;
  auto policy = std::make_shared<core::AccessPolicy>();
  policy->who = user;
  if (allowed_api) policy->api = split_allowed_list(*allowed_api);
  policy->file_dirs = canonical_dirs(settings.allowed_file_dirs ? *settings.allowed_file_dirs
                                                                : settings.confined_file_dirs);
  return policy;
}

core::AccessPolicyPtr Listener::outbound_policy(const core::OutboundSocketRequest& request) const {
  if (request.full) return password_policy();
  const auto& settings = context_.settings;
  auto policy = std::make_shared<core::AccessPolicy>();
  policy->who = fmt::format("the outbound socket of {}", request.session_uuid);
  policy->call_only = true;
  policy->api.emplace(std::begin(core::kCallOnlyApi), std::end(core::kCallOnlyApi));
  policy->file_dirs = canonical_dirs(settings.allowed_file_dirs ? *settings.allowed_file_dirs
                                                                : settings.confined_file_dirs);
  return policy;
}

}  // namespace es::eventsocket
