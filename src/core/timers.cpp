#include "core/timers.hpp"

#include <vector>

namespace es::core {

Timers::Id SimulatedTimers::call_at(std::int64_t deadline_us, std::function<void()> fn) {
  std::lock_guard lock(mutex_);
  Id id = next_id_++;
  queue_.emplace(deadline_us, std::make_pair(id, std::move(fn)));
  deadlines_.emplace(id, deadline_us);
  return id;
}

void SimulatedTimers::cancel(Id id) {
  std::lock_guard lock(mutex_);
  auto it = deadlines_.find(id);
  if (it == deadlines_.end()) return;
  auto [first, last] = queue_.equal_range(it->second);
  for (auto q = first; q != last; ++q) {
    if (q->second.first == id) {
      queue_.erase(q);
      break;
    }
  }
  deadlines_.erase(it);
}

void SimulatedTimers::advance(std::int64_t delta_us, const std::function<void()>& settle) {
  const std::int64_t target = clock_.now_monotonic_us() + delta_us;
  for (;;) {
    std::vector<std::function<void()>> due;
    {
      std::lock_guard lock(mutex_);
      if (queue_.empty() || queue_.begin()->first > target) break;
      std::int64_t when = queue_.begin()->first;
      std::int64_t now = clock_.now_monotonic_us();
      if (when > now) clock_.advance_us(when - now);
      while (!queue_.empty() && queue_.begin()->first <= when) {
        deadlines_.erase(queue_.begin()->second.first);
        due.push_back(std::move(queue_.begin()->second.second));
        queue_.erase(queue_.begin());
      }
    }
    for (auto& fn : due) fn();
    if (settle) settle();
  }
  std::int64_t now = clock_.now_monotonic_us();
  if (target > now) clock_.advance_us(target - now);
  if (settle) settle();
}

std::size_t SimulatedTimers::pending() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

std::int64_t SimulatedTimers::next_deadline() const {
  std::lock_guard lock(mutex_);
  return queue_.empty() ? -1 : queue_.begin()->first;
}

}  // namespace es::core
