// Timers for the real clock, on Asio steady timers (the RealClock's monotonic time is the
// steady clock's).
#pragma once

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include <memory>
#include <mutex>
#include <unordered_map>

#include "core/timers.hpp"

namespace es::sw {

class AsioTimers final : public core::Timers {
 public:
  explicit AsioTimers(asio::io_context& io) : io_(io) {}
  Id call_at(std::int64_t deadline_us, std::function<void()> fn) override;
  void cancel(Id id) override;

 private:
  asio::io_context& io_;
  std::mutex mutex_;
  Id next_id_ = 1;
  std::unordered_map<Id, std::shared_ptr<asio::steady_timer>> timers_;
};

}  // namespace es::sw
