#include "switch/application_registry.hpp"

#include <mutex>

namespace es::sw {

void ApplicationRegistry::add(Application app) {
  std::unique_lock lock(mutex_);
  std::string name = app.name;
  apps_.insert_or_assign(std::move(name), std::make_shared<const Application>(std::move(app)));
}

std::shared_ptr<const Application> ApplicationRegistry::find(std::string_view name) const {
  std::shared_lock lock(mutex_);
  auto it = apps_.find(name);
  return it == apps_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<const Application>> ApplicationRegistry::list() const {
  std::shared_lock lock(mutex_);
  std::vector<std::shared_ptr<const Application>> out;
  out.reserve(apps_.size());
  for (const auto& [key, app] : apps_) out.push_back(app);
  return out;
}

}  // namespace es::sw
