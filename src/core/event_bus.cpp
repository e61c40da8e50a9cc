#include "core/event_bus.hpp"

#include <algorithm>

namespace es::core {

EventBus::SubscriptionId EventBus::subscribe(std::weak_ptr<EventSubscriber> subscriber) {
  std::lock_guard lock(mutex_);
  const SubscriptionId id = next_id_++;
  entries_.push_back(Entry{id, std::move(subscriber)});
  return id;
}

void EventBus::unsubscribe(SubscriptionId id) {
  std::lock_guard lock(mutex_);
  std::erase_if(entries_, [id](const Entry& entry) { return entry.id == id; });
}

FiredEventPtr EventBus::fire(Event event) {
  event.move_subclass_header_first();
  FiredEventPtr fired = std::make_shared<const FiredEvent>(std::move(event));
  bool saw_dead = false;
  {
    std::lock_guard lock(mutex_);
    for (const auto& entry : entries_) {
      if (auto subscriber = entry.subscriber.lock()) {
        subscriber->on_event(fired);
      } else {
        saw_dead = true;
      }
    }
    if (saw_dead) {
      std::erase_if(entries_, [](const Entry& entry) { return entry.subscriber.expired(); });
    }
    fired_.fetch_add(1, std::memory_order_relaxed);
  }
  return fired;
}

std::size_t EventBus::subscriber_count() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace es::core
