#include "core/event_bus.hpp"

#include <algorithm>

namespace es::core {

EventBus::SubscriptionId EventBus::subscribe(std::weak_ptr<EventSubscriber> subscriber) {
  std::lock_guard lock(mutex_);
  const SubscriptionId id = next_id_++;
  Interest all;
  all.set();
  entries_.push_back(Entry{id, std::move(subscriber), all});
  recompute_wanted_locked();
  return id;
}

void EventBus::unsubscribe(SubscriptionId id) {
  std::lock_guard lock(mutex_);
  std::erase_if(entries_, [id](const Entry& entry) { return entry.id == id; });
  recompute_wanted_locked();
}

void EventBus::set_interest(SubscriptionId id, const Interest& interest) {
  std::lock_guard lock(mutex_);
  for (auto& entry : entries_) {
    if (entry.id == id) entry.interest = interest;
  }
  recompute_wanted_locked();
}

void EventBus::recompute_wanted_locked() {
  Interest any;
  for (const auto& entry : entries_) any |= entry.interest;
  for (std::size_t word = 0; word < wanted_.size(); ++word) {
    std::uint64_t bits = 0;
    for (std::size_t b = 0; b < 64 && word * 64 + b < any.size(); ++b) {
      if (any.test(word * 64 + b)) bits |= std::uint64_t{1} << b;
    }
    wanted_[word].store(bits, std::memory_order_relaxed);
  }
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
      recompute_wanted_locked();
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
