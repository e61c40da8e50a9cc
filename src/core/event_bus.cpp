#include "core/event_bus.hpp"

#include <algorithm>

namespace es::core {

EventBus::SubscriptionId EventBus::subscribe(std::weak_ptr<EventSubscriber> subscriber) {
  Interest all;
  all.set();
  return subscribe(std::move(subscriber), all, std::nullopt);
}

EventBus::SubscriptionId EventBus::subscribe(std::weak_ptr<EventSubscriber> subscriber,
                                             const Interest& interest, Subclasses subclasses) {
  std::lock_guard lock(mutex_);
  const SubscriptionId id = next_id_++;
  Entry entry{id, std::move(subscriber), interest};
  entry.any_subclass = !subclasses;
  if (subclasses) entry.subclasses = std::move(*subclasses);
  entries_.push_back(std::move(entry));
  recompute_wanted_locked();
  return id;
}

EventBus::Demand EventBus::demand() const {
  Demand demand;
  auto add = [&](const Entry& entry) {
    demand.types |= entry.interest;
    if (!entry.interest.test(static_cast<std::size_t>(EventType::kCustom))) return;
    if (entry.any_subclass) {
      demand.any_subclass = true;
    } else {
      demand.subclasses.insert(demand.subclasses.end(), entry.subclasses.begin(),
                               entry.subclasses.end());
    }
  };
  {
    std::lock_guard lock(mutex_);
    for (const auto& entry : entries_) add(entry);
    for (const auto& [uuid, entries] : scoped_) {
      for (const auto& entry : entries) add(entry);
    }
  }
  std::sort(demand.subclasses.begin(), demand.subclasses.end());
  demand.subclasses.erase(std::unique(demand.subclasses.begin(), demand.subclasses.end()),
                          demand.subclasses.end());
  return demand;
}

void EventBus::unsubscribe(SubscriptionId id) {
  std::lock_guard lock(mutex_);
  extract_locked(id);
  recompute_wanted_locked();
}

std::optional<EventBus::Entry> EventBus::extract_locked(SubscriptionId id) {
  auto take = [id](std::vector<Entry>& entries) -> std::optional<Entry> {
    auto it = std::find_if(entries.begin(), entries.end(),
                           [id](const Entry& entry) { return entry.id == id; });
    if (it == entries.end()) return std::nullopt;
    Entry entry = std::move(*it);
    entries.erase(it);
    return entry;
  };
  if (auto entry = take(entries_)) return entry;
  for (auto it = scoped_.begin(); it != scoped_.end(); ++it) {
    if (auto entry = take(it->second)) {
      if (it->second.empty()) scoped_.erase(it);
      return entry;
    }
  }
  return std::nullopt;
}

void EventBus::set_interest(SubscriptionId id, const Interest& interest, Subclasses subclasses) {
  std::lock_guard lock(mutex_);
  auto update = [&](std::vector<Entry>& entries) {
    for (auto& entry : entries) {
      if (entry.id == id) {
        entry.interest = interest;
        entry.any_subclass = !subclasses;
        entry.subclasses = subclasses ? *subclasses : std::vector<std::string>();
      }
    }
  };
  update(entries_);
  for (auto& [uuid, entries] : scoped_) update(entries);
  recompute_wanted_locked();
}

void EventBus::set_scope(SubscriptionId id, const std::string& session_uuid) {
  std::lock_guard lock(mutex_);
  auto entry = extract_locked(id);
  if (!entry) return;
  if (session_uuid.empty()) {
    entries_.push_back(std::move(*entry));
  } else {
    scoped_[session_uuid].push_back(std::move(*entry));
  }
}

void EventBus::set_precheck(SubscriptionId id, bool on) {
  std::lock_guard lock(mutex_);
  auto update = [&](std::vector<Entry>& entries) {
    for (auto& entry : entries) {
      if (entry.id == id) entry.precheck = on;
    }
  };
  update(entries_);
  for (auto& [uuid, entries] : scoped_) update(entries);
  recompute_wanted_locked();
}

void EventBus::recompute_wanted_locked() {
  // The precheck copy follows every change of membership and interest, which all end here.
  std::vector<Entry> prechecked;
  auto collect = [&](const std::vector<Entry>& entries) {
    for (const auto& entry : entries) {
      if (entry.precheck) prechecked.push_back(entry);
    }
  };
  collect(entries_);
  for (const auto& [uuid, entries] : scoped_) collect(entries);
  // Without prechecks before or after (the common case) nothing is allocated.
  if (!prechecked.empty() || any_precheck_.load(std::memory_order_relaxed)) {
    auto copy = prechecked.empty()
                    ? nullptr
                    : std::make_shared<const std::vector<Entry>>(std::move(prechecked));
    std::lock_guard lock(prechecked_mutex_);
    any_precheck_.store(copy != nullptr, std::memory_order_relaxed);
    prechecked_ = std::move(copy);
  }
  Interest any;
  for (const auto& entry : entries_) any |= entry.interest;
  for (const auto& [uuid, entries] : scoped_) {
    for (const auto& entry : entries) any |= entry.interest;
  }
  for (std::size_t word = 0; word < wanted_.size(); ++word) {
    std::uint64_t bits = 0;
    for (std::size_t b = 0; b < 64 && word * 64 + b < any.size(); ++b) {
      if (any.test(word * 64 + b)) bits |= std::uint64_t{1} << b;
    }
    wanted_[word].store(bits, std::memory_order_relaxed);
  }
  demand_generation_.fetch_add(1, std::memory_order_acq_rel);
}

EventBus::Tokens EventBus::run_prechecks(const FiredEvent& fired) const {
  Tokens tokens;
  if (!any_precheck_.load(std::memory_order_relaxed)) return tokens;
  std::shared_ptr<const std::vector<Entry>> prechecked;
  {
    std::lock_guard lock(prechecked_mutex_);
    prechecked = prechecked_;
  }
  if (!prechecked) return tokens;
  const auto bit = static_cast<std::size_t>(fired.event().type());
  for (const auto& entry : *prechecked) {
    if (!entry.interest.test(bit)) continue;
    if (auto subscriber = entry.subscriber.lock()) {
      tokens.emplace_back(entry.id, subscriber->precheck(fired));
    }
  }
  return tokens;
}

void WakeBatch::flush() {
  // Swapped out first: a deferred_wake may deliver events that defer into a new batch.
  std::vector<std::shared_ptr<EventSubscriber>> pending;
  pending.swap(pending_);
  for (const auto& subscriber : pending) subscriber->deferred_wake();
}

bool EventBus::deliver_locked(const std::vector<Entry>& entries, EventType type,
                              const FiredEventPtr& fired, const Tokens& tokens, WakeBatch* batch) {
  const auto bit = static_cast<std::size_t>(type);
  bool all_alive = true;
  for (const auto& entry : entries) {
    if (!entry.interest.test(bit)) continue;
    auto subscriber = entry.subscriber.lock();
    if (!subscriber) {
      all_alive = false;
      continue;
    }
    // Without a precheck (the usual case) the token is 0, which is what a precheck
    // subscriber's on_event(event, 0) means too.
    std::uint64_t token = 0;
    if (entry.precheck && !tokens.empty()) {
      auto found = std::find_if(tokens.begin(), tokens.end(),
                                [&](const auto& t) { return t.first == entry.id; });
      if (found != tokens.end()) token = found->second;
    }
    if (batch) {
      subscriber->on_event(fired, token, *batch);
    } else if (entry.precheck && !tokens.empty()) {
      subscriber->on_event(fired, token);
    } else {
      subscriber->on_event(fired);
    }
  }
  return all_alive;
}

void EventBus::prune_locked() {
  auto dead = [](const Entry& entry) { return entry.subscriber.expired(); };
  std::erase_if(entries_, dead);
  for (auto it = scoped_.begin(); it != scoped_.end();) {
    std::erase_if(it->second, dead);
    it = it->second.empty() ? scoped_.erase(it) : std::next(it);
  }
  recompute_wanted_locked();
}

FiredEventPtr EventBus::fire(Event event) {
  return fire_with(std::move(event), nullptr);
}

FiredEventPtr EventBus::fire(Event event, WakeBatch& batch) {
  return fire_with(std::move(event), &batch);
}

FiredEventPtr EventBus::fire_with(Event event, WakeBatch* batch) {
  FiredEventPtr fired = std::make_shared<const FiredEvent>(std::move(event));
  const Event& e = fired->event();
  const Tokens tokens = run_prechecks(*fired);
  {
    std::lock_guard lock(mutex_);
    bool all_alive = deliver_locked(entries_, e.type(), fired, tokens, batch);
    if (!scoped_.empty()) {
      const std::string* uuid = e.header("Unique-ID");
      const std::string* owner = e.header("Job-Owner-UUID");
      if (uuid) {
        if (auto it = scoped_.find(*uuid); it != scoped_.end())
          all_alive &= deliver_locked(it->second, e.type(), fired, tokens, batch);
      }
      if (owner && !(uuid && *uuid == *owner)) {
        if (auto it = scoped_.find(*owner); it != scoped_.end())
          all_alive &= deliver_locked(it->second, e.type(), fired, tokens, batch);
      }
    }
    if (!all_alive) prune_locked();
    fired_.fetch_add(1, std::memory_order_relaxed);
  }
  return fired;
}

std::size_t EventBus::subscriber_count() const {
  std::lock_guard lock(mutex_);
  std::size_t count = entries_.size();
  for (const auto& [uuid, entries] : scoped_) count += entries.size();
  return count;
}

}  // namespace es::core
