// Publish/subscribe for events. fire() hands the shared event to every subscriber on the
// caller's thread, in fire order (a dispatch lock keeps one global order); subscribers
// must only filter and enqueue, never block.
#pragma once

#include <array>
#include <atomic>
#include <bitset>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/fired_event.hpp"

namespace es::core {

class EventSubscriber {
 public:
  virtual ~EventSubscriber() = default;
  virtual void on_event(const FiredEventPtr& event) = 0;
};

class EventBus {
 public:
  using SubscriptionId = std::uint64_t;

  using Interest = std::bitset<kEventTypeCount>;

  // The bus keeps a weak reference: a destroyed subscriber is skipped and pruned. A new
  // subscriber is interested in every type until it says otherwise.
  SubscriptionId subscribe(std::weak_ptr<EventSubscriber> subscriber);
  // The types a subscriber may accept (a superset is fine: it still filters on_event).
  void set_interest(SubscriptionId id, const Interest& interest);
  // Whether any subscriber may accept events of `type`. Producers of costly events (the
  // switch's channel events) skip building those nobody would receive; lock-free.
  bool wants(EventType type) const {
    auto bit = static_cast<std::size_t>(type);
    return (wanted_[bit / 64].load(std::memory_order_relaxed) >> (bit % 64)) & 1u;
  }
  // Narrows a subscriber to one session's events: those whose Unique-ID or Job-Owner-UUID is
  // `session_uuid` (a controlled socket's myevents). Empty lifts the scope. Scoped subscribers
  // are found by a hash lookup per event, so hundreds of controlled sockets cost each event
  // one lookup instead of a visit to each of them.
  void set_scope(SubscriptionId id, const std::string& session_uuid);
  void unsubscribe(SubscriptionId id);

  // Moves the event into a shared FiredEvent (Event-Subclass moved first, as FreeSWITCH's
  // delivery copy) and delivers it. Returns the shared event.
  FiredEventPtr fire(Event event);

  std::uint64_t fired_count() const { return fired_.load(std::memory_order_relaxed); }
  std::size_t subscriber_count() const;

 private:
  struct Entry {
    SubscriptionId id;
    std::weak_ptr<EventSubscriber> subscriber;
    Interest interest;
  };
  // Delivers to the entries interested in `type`; false when one of them is gone.
  static bool deliver_locked(const std::vector<Entry>& entries, EventType type,
                             const FiredEventPtr& fired);
  // Takes the entry out of whichever list holds it.
  std::optional<Entry> extract_locked(SubscriptionId id);
  void prune_locked();
  void recompute_wanted_locked();
  // Guards entries_ and serializes delivery so every subscriber sees one order.
  // Subscribers must not (un)subscribe from inside on_event.
  mutable std::mutex mutex_;
  std::vector<Entry> entries_;                                  // unscoped
  std::unordered_map<std::string, std::vector<Entry>> scoped_;  // by session uuid
  SubscriptionId next_id_ = 1;
  std::atomic<std::uint64_t> fired_{0};
  std::array<std::atomic<std::uint64_t>, (kEventTypeCount + 63) / 64> wanted_{};
};

}  // namespace es::core
