// The gateway's memory of recent events, so a client that lost its connection can ask for what
// it missed (the replay extension, docs/gateway.md). Bounded by a count and by the bytes the
// held events pin (FiredEvent::footprint); the oldest go first. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/fired_event.hpp"
#include "core/upstream_gateway.hpp"

namespace es::gateway {

class ReplayRing {
 public:
  ReplayRing(std::size_t max_events, std::size_t max_bytes);

  // Keeps `event` (it must carry Core-UUID and a numeric Event-Sequence; others are ignored).
  void add(const core::FiredEventPtr& event);
  // The events of `core_uuid` after sequence `after`, oldest first, handed to `sink` under the
  // ring's lock (the sink only enqueues). `lost` counts the sequences after `after` that were
  // evicted before the oldest one still held (or all of them since, when none is held).
  core::ReplayOutcome replay(const std::string& core_uuid, std::uint64_t after,
                             const std::function<void(const core::FiredEventPtr&)>& sink) const;

  std::size_t size() const;
  std::size_t bytes() const;

 private:
  struct Held {
    core::FiredEventPtr event;
    std::string core_uuid;
    std::uint64_t sequence = 0;
    std::size_t bytes = 0;
  };
  // Per Core-UUID: the highest sequence ever added and the highest evicted.
  struct Origin {
    std::uint64_t newest = 0;
    std::uint64_t evicted = 0;
    std::size_t held = 0;
  };
  void evict_locked();

  const std::size_t max_events_;
  const std::size_t max_bytes_;
  mutable std::mutex mutex_;
  std::deque<Held> ring_;
  std::size_t bytes_ = 0;
  // One entry per upstream core seen (a restarted upstream has a new Core-UUID); bounded by
  // kMaxOrigins, the oldest-seen forgotten first.
  std::unordered_map<std::string, Origin> origins_;
  std::deque<std::string> origin_order_;
};

}  // namespace es::gateway
