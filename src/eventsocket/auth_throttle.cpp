#include "eventsocket/auth_throttle.hpp"

#include <algorithm>

namespace es::eventsocket {

std::chrono::milliseconds AuthThrottle::delay_for(const std::string& address) const {
  std::lock_guard lock(mutex_);
  auto it = peers_.find(address);
  if (it == peers_.end() || Clock::now() - it->second.last > kForgetAfter) {
    return std::chrono::milliseconds{0};
  }
  // Capped before multiplying: the count itself cannot overflow the product.
  auto steps = std::min<unsigned>(it->second.failures, kMax / kStep);
  return kStep * steps;
}

void AuthThrottle::record_failure(const std::string& address) {
  std::lock_guard lock(mutex_);
  auto now = Clock::now();
  auto it = peers_.find(address);
  if (it == peers_.end()) {
    if (peers_.size() >= max_peers_) {
      auto stalest = std::min_element(peers_.begin(), peers_.end(), [](auto& a, auto& b) {
        return a.second.last < b.second.last;
      });
      peers_.erase(stalest);
    }
    it = peers_.emplace(address, Entry{}).first;
  } else if (now - it->second.last > kForgetAfter) {
    it->second.failures = 0;
  }
  if (it->second.failures < kMax / kStep) it->second.failures += 1;
  it->second.last = now;
}

void AuthThrottle::record_success(const std::string& address) {
  std::lock_guard lock(mutex_);
  peers_.erase(address);
}

std::size_t AuthThrottle::tracked() const {
  std::lock_guard lock(mutex_);
  return peers_.size();
}

}  // namespace es::eventsocket
