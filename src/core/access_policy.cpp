#include "core/access_policy.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "protocol/header_fields.hpp"

namespace es::core {

namespace fs = std::filesystem;

bool AccessPolicy::allows_api(std::string_view name) const {
  if (!api) return true;
  return std::find(api->begin(), api->end(), name) != api->end();
}

bool AccessPolicy::allows_application(std::string_view name) const {
  if (call_only) {
    for (std::string_view denied : kCallOnlyDeniedApps) {
      if (protocol::iequals(name, denied)) return false;
    }
  }
  for (const auto& [app, command] : kAppsActingAsApi) {
    if (protocol::iequals(name, app) && !allows_api(command)) return false;
  }
  return true;
}

bool AccessPolicy::allows_file(std::string_view path) const {
  if (!file_dirs) return true;
  if (path.empty()) return false;
  std::string resolved = resolve_path(path);
  return std::any_of(file_dirs->begin(), file_dirs->end(),
                     [&](const std::string& dir) { return path_is_under(resolved, dir); });
}

std::string AccessPolicy::canonical_dir(std::string_view dir) {
  if (dir.empty()) return {};
  return resolve_path(dir);
}

std::string resolve_path(std::string_view text) {
  std::error_code ec;
  fs::path path(text);
  if (!path.is_absolute()) {
    fs::path base = fs::current_path(ec);
    if (ec) base = "/";
    path = base / path;
  }
  path = path.lexically_normal();
  // weakly_canonical resolves the links of the existing prefix; the rest stays lexical.
  fs::path canonical = fs::weakly_canonical(path, ec);
  if (!ec) path = canonical.lexically_normal();
  std::string out = path.string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

bool path_is_under(std::string_view path, std::string_view dir) {
  if (dir.empty()) return false;
  fs::path p(path);
  fs::path d(dir);
  auto pi = p.begin();
  for (const fs::path& component : d) {
    if (component.empty()) continue;  // a trailing separator
    if (pi == p.end() || *pi != component) return false;
    ++pi;
  }
  // No component of the rest may climb out (resolve_path leaves none, but be sure).
  for (; pi != p.end(); ++pi) {
    if (*pi == "..") return false;
  }
  return true;
}

void AccessRules::add(AccessPolicyPtr policy) {
  if (!policy) return;
  if (std::find(policies_.begin(), policies_.end(), policy) != policies_.end()) return;
  policies_.push_back(std::move(policy));
}

void AccessRules::add(const AccessRules& other) {
  for (const auto& policy : other.policies_) add(policy);
}

const AccessPolicy* AccessRules::refuses_api(std::string_view name) const {
  for (const auto& policy : policies_) {
    if (!policy->allows_api(name)) return policy.get();
  }
  return nullptr;
}

const AccessPolicy* AccessRules::refuses_application(std::string_view name) const {
  for (const auto& policy : policies_) {
    if (!policy->allows_application(name)) return policy.get();
  }
  return nullptr;
}

const AccessPolicy* AccessRules::refuses_file(std::string_view path) const {
  for (const auto& policy : policies_) {
    if (!policy->allows_file(path)) return policy.get();
  }
  return nullptr;
}

}  // namespace es::core
