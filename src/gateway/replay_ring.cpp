#include "gateway/replay_ring.hpp"

#include <charconv>

namespace es::gateway {
namespace {

// Core-UUIDs remembered (each upstream restart makes a new one); a forgotten one with nothing
// held answers as unknown.
constexpr std::size_t kMaxOrigins = 256;

bool read_sequence(const std::string* text, std::uint64_t& out) {
  if (text == nullptr || text->empty()) return false;
  const char* end = text->data() + text->size();
  auto [ptr, ec] = std::from_chars(text->data(), end, out);
  return ec == std::errc() && ptr == end;
}

}  // namespace

ReplayRing::ReplayRing(std::size_t max_events, std::size_t max_bytes)
    : max_events_(max_events), max_bytes_(max_bytes) {}

void ReplayRing::add(const core::FiredEventPtr& event) {
  if (max_events_ == 0) return;
  const std::string* core_uuid = event->event().header("Core-UUID");
  std::uint64_t sequence = 0;
  if (core_uuid == nullptr || !read_sequence(event->event().header("Event-Sequence"), sequence)) {
    return;
  }
  std::lock_guard lock(mutex_);
  auto [origin, inserted] = origins_.try_emplace(*core_uuid);
  if (inserted) {
    origin_order_.push_back(*core_uuid);
    while (origin_order_.size() > kMaxOrigins) {
      auto oldest = origins_.find(origin_order_.front());
      if (oldest != origins_.end() && oldest->second.held == 0) origins_.erase(oldest);
      origin_order_.pop_front();
    }
  }
  if (sequence > origin->second.newest) origin->second.newest = sequence;
  ++origin->second.held;
  const std::size_t bytes = event->footprint();
  ring_.push_back(Held{event, *core_uuid, sequence, bytes});
  bytes_ += bytes;
  evict_locked();
}

void ReplayRing::evict_locked() {
  while (!ring_.empty() && (ring_.size() > max_events_ || bytes_ > max_bytes_)) {
    Held& oldest = ring_.front();
    if (auto origin = origins_.find(oldest.core_uuid); origin != origins_.end()) {
      if (oldest.sequence > origin->second.evicted) origin->second.evicted = oldest.sequence;
      --origin->second.held;
    }
    bytes_ -= oldest.bytes;
    ring_.pop_front();
  }
}

core::ReplayOutcome ReplayRing::replay(
    const std::string& core_uuid, std::uint64_t after,
    const std::function<void(const core::FiredEventPtr&)>& sink) const {
  core::ReplayOutcome outcome;
  std::lock_guard lock(mutex_);
  auto origin = origins_.find(core_uuid);
  if (origin == origins_.end()) return outcome;
  outcome.known = true;
  // Sequences after `after` that were evicted: they can never be replayed.
  if (origin->second.evicted > after) outcome.lost = origin->second.evicted - after;
  for (const Held& held : ring_) {
    if (held.sequence <= after || held.core_uuid != core_uuid) continue;
    sink(held.event);
    ++outcome.replayed;
  }
  return outcome;
}

std::size_t ReplayRing::size() const {
  std::lock_guard lock(mutex_);
  return ring_.size();
}

std::size_t ReplayRing::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

}  // namespace es::gateway
