#include "eventsocket/auth_throttle.hpp"

#include <algorithm>

namespace es::eventsocket {

std::chrono::milliseconds AuthThrottle::record_failure(const std::string& address) {
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
  it->second.failures += 1;
  it->second.last = now;
  // The first failure is answered at once (a typo costs nothing); later ones wait longer.
  auto delay = kStep * (it->second.failures - 1);
  return std::min<std::chrono::milliseconds>(delay, kMax);
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
