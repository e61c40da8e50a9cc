#include "switch/application_registry.hpp"

#include <cctype>
#include <mutex>

namespace es::sw {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

void ApplicationRegistry::add(Application app) {
  std::unique_lock lock(mutex_);
  std::string key = lower(app.name);
  apps_[key] = std::make_shared<const Application>(std::move(app));
}

std::shared_ptr<const Application> ApplicationRegistry::find(std::string_view name) const {
  std::shared_lock lock(mutex_);
  auto it = apps_.find(lower(name));
  return it == apps_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<const Application>> ApplicationRegistry::list() const {
  std::shared_lock lock(mutex_);
  std::vector<std::shared_ptr<const Application>> out;
  for (const auto& [key, app] : apps_) out.push_back(app);
  return out;
}

}  // namespace es::sw
