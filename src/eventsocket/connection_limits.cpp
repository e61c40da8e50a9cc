#include "eventsocket/connection_limits.hpp"

#include <utility>

namespace es::eventsocket {

ConnectionLimits::Slot& ConnectionLimits::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = std::exchange(other.owner_, nullptr);
    address_ = std::move(other.address_);
    authenticated_ = other.authenticated_;
  }
  return *this;
}

void ConnectionLimits::Slot::promote() {
  if (!owner_ || authenticated_) return;
  authenticated_ = true;
  owner_->promote(address_);
}

void ConnectionLimits::Slot::release() {
  if (!owner_) return;
  std::exchange(owner_, nullptr)->release(address_, authenticated_);
}

std::optional<ConnectionLimits::Slot> ConnectionLimits::admit(
    const std::string& address, std::size_t max_total, std::size_t max_unauthenticated_per_address,
    Refusal* refusal) {
  Counts& c = *counts_;
  std::lock_guard lock(c.mutex);
  *refusal = Refusal::kNone;
  if (max_total != 0 && c.total >= max_total) {
    *refusal = Refusal::kTotal;
    return std::nullopt;
  }
  auto found = c.unauthenticated.find(address);
  std::size_t pending = found == c.unauthenticated.end() ? 0 : found->second;
  if (max_unauthenticated_per_address != 0 && pending >= max_unauthenticated_per_address) {
    *refusal = Refusal::kUnauthenticatedPerAddress;
    return std::nullopt;
  }
  ++c.total;
  ++c.unauthenticated[address];
  Slot slot;
  slot.owner_ = counts_;
  slot.address_ = address;
  return slot;
}

void ConnectionLimits::Counts::uncount_unauthenticated(const std::string& address) {
  auto found = unauthenticated.find(address);
  if (found == unauthenticated.end()) return;
  // The last one of an address takes its entry with it: nothing outlives the connections.
  if (--found->second == 0) unauthenticated.erase(found);
}

void ConnectionLimits::Counts::promote(const std::string& address) {
  std::lock_guard lock(mutex);
  uncount_unauthenticated(address);
}

void ConnectionLimits::Counts::release(const std::string& address, bool authenticated) {
  std::lock_guard lock(mutex);
  --total;
  if (!authenticated) uncount_unauthenticated(address);
}

std::size_t ConnectionLimits::total() const {
  std::lock_guard lock(counts_->mutex);
  return counts_->total;
}

std::size_t ConnectionLimits::unauthenticated(const std::string& address) const {
  std::lock_guard lock(counts_->mutex);
  auto found = counts_->unauthenticated.find(address);
  return found == counts_->unauthenticated.end() ? 0 : found->second;
}

std::size_t ConnectionLimits::tracked_addresses() const {
  std::lock_guard lock(counts_->mutex);
  return counts_->unauthenticated.size();
}

std::string_view refusal_text(ConnectionLimits::Refusal refusal) {
  switch (refusal) {
    case ConnectionLimits::Refusal::kTotal:
      return "max-connections reached";
    case ConnectionLimits::Refusal::kUnauthenticatedPerAddress:
      return "max-unauthenticated-per-address reached";
    case ConnectionLimits::Refusal::kNone:
      break;
  }
  return "admitted";
}

}  // namespace es::eventsocket
