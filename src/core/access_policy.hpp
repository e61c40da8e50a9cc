// What a confined client may reach (docs/security-rights.md). A policy is made once by the
// trusted side (the event socket, when a userauth user logs in or an outbound application
// server without `full` connects) and then travels, immutable, with everything that client
// starts: its API executions (ApiContext::rules) and the calls it acts on (Session::confine).
// It is never a channel variable, so nothing a client can set removes it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace es::core {

struct AccessPolicy {
  std::string who;  // for refusal log lines: "user@domain", "outbound socket <uuid>"
  // API commands that may run, by exact (case-sensitive) name; nullopt: any.
  std::optional<std::vector<std::string>> api;
  // Directories files may be read from or written to (already canonical); nullopt: anywhere.
  // An empty list allows no file at all.
  std::optional<std::vector<std::string>> file_dirs;
  // An outbound application server without `full`: confined to its own call, so the
  // applications in kCallOnlyDeniedApps are refused.
  bool call_only = false;

  bool allows_api(std::string_view name) const;
  bool allows_application(std::string_view name) const;
  bool allows_file(std::string_view path) const;

  // Canonical form of a configured directory (symlinks of its existing part resolved), for
  // file_dirs. Empty input stays empty.
  static std::string canonical_dir(std::string_view dir);
};

// Applications that act outside the call that runs them: refused under a call_only policy.
inline constexpr std::string_view kCallOnlyDeniedApps[] = {"socket", "set_global"};
// Applications that do what an API command does: under a policy with an API list, the
// application needs that command listed.
inline constexpr std::pair<std::string_view, std::string_view> kAppsActingAsApi[] = {
    {"set_global", "global_setvar"}};

// The API commands a call_only client reaches through ${name(args)} expansions: pure
// computations on their arguments (record file names use strftime), none that touches another
// call or the switch.
inline constexpr std::string_view kCallOnlyApi[] = {
    "strftime", "strepoch", "create_uuid", "md5",      "regex",      "cond",
    "expr",     "echo",     "version",     "hostname", "switchname", "uptime"};

using AccessPolicyPtr = std::shared_ptr<const AccessPolicy>;

// Every policy that applies at once (a call touched by two confined clients obeys both).
// Empty: unrestricted. Cheap to copy: a few shared pointers.
class AccessRules {
 public:
  AccessRules() = default;
  explicit AccessRules(AccessPolicyPtr policy) { add(std::move(policy)); }

  void add(AccessPolicyPtr policy);  // null and duplicates are ignored
  void add(const AccessRules& other);
  bool empty() const { return policies_.empty(); }
  const std::vector<AccessPolicyPtr>& policies() const { return policies_; }

  // Each returns the first policy that refuses, or null when all allow.
  const AccessPolicy* refuses_api(std::string_view name) const;
  const AccessPolicy* refuses_application(std::string_view name) const;
  const AccessPolicy* refuses_file(std::string_view path) const;

 private:
  std::vector<AccessPolicyPtr> policies_;
};

// Lexically normal absolute form of `path` with the symlinks of its longest existing prefix
// resolved (so "a/../b" and a link to /etc are seen for what they are).
std::string resolve_path(std::string_view path);

// Whether `path` (resolved) is `dir` or lies below it, compared component by component.
bool path_is_under(std::string_view path, std::string_view dir);

}  // namespace es::core
