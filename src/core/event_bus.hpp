// Publish/subscribe for events. fire() hands the shared event to every subscriber on the
// caller's thread, in fire order (a dispatch lock keeps one global order); subscribers
// must only filter and enqueue, never block.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
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

  // The bus keeps a weak reference: a destroyed subscriber is skipped and pruned.
  SubscriptionId subscribe(std::weak_ptr<EventSubscriber> subscriber);
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
  };
  // Guards entries_ and serializes delivery so every subscriber sees one order.
  // Subscribers must not (un)subscribe from inside on_event.
  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
  SubscriptionId next_id_ = 1;
  std::atomic<std::uint64_t> fired_{0};
};

}  // namespace es::core
