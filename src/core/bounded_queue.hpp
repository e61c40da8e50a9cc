// The hand-off between a publisher of events or log lines (any thread, must never wait) and
// a worker thread (AMQP, CDR files): a fixed-capacity FIFO whose push fails instead of blocking.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

namespace es::core {

template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t capacity) : capacity_(capacity) {}

  // False when full (the caller counts the drop); never waits for room.
  bool try_push(T item) {
    {
      std::lock_guard lock(mutex_);
      if (closed_ || items_.size() >= capacity_) return false;
      items_.push_back(std::move(item));
    }
    ready_.notify_one();
    return true;
  }

  // The oldest item, waiting at most `timeout`; nullopt on timeout or once closed.
  std::optional<T> pop_for(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    ready_.wait_for(lock, timeout, [&] { return closed_ || !items_.empty(); });
    if (closed_ || items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    return item;
  }

  // The oldest item without waiting; nullopt when empty or closed.
  std::optional<T> try_pop() {
    std::lock_guard lock(mutex_);
    if (closed_ || items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    return item;
  }

  // Waits up to `timeout` unless closed first: the reconnect pause, cut short by stop.
  void sleep_unless_closed(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    closed_changed_.wait_for(lock, timeout, [&] { return closed_; });
  }

  // Wakes every waiter; later pushes fail.
  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    ready_.notify_all();
    closed_changed_.notify_all();
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return items_.size();
  }
  std::size_t capacity() const { return capacity_; }

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::condition_variable closed_changed_;
  std::deque<T> items_;
  bool closed_ = false;
};

}  // namespace es::core
