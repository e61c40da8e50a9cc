#include "switch/endpoint.hpp"

#include <mutex>

#include "core/event.hpp"
#include "protocol/ascii.hpp"

namespace es::sw {

void EndpointRegistry::add(std::shared_ptr<Endpoint> endpoint) {
  std::unique_lock lock(mutex_);
  std::string key = protocol::to_lower(endpoint->name());
  endpoints_[key] = std::move(endpoint);
}

std::shared_ptr<Endpoint> EndpointRegistry::find(std::string_view name) const {
  std::shared_lock lock(mutex_);
  auto it = endpoints_.find(protocol::to_lower(name));
  return it == endpoints_.end() ? nullptr : it->second;
}

std::vector<std::string> EndpointRegistry::names() const {
  std::shared_lock lock(mutex_);
  std::vector<std::string> out;
  out.reserve(endpoints_.size());
  for (const auto& [key, e] : endpoints_) out.push_back(key);
  return out;
}

const std::string* request_var(const OutgoingRequest& request, std::string_view name) {
  const std::string* found = nullptr;
  for (const auto& [n, v] : request.vars) {
    if (core::header_name_equals(n, name)) found = &v;
  }
  return found;
}

}  // namespace es::sw
