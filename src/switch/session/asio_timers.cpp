#include "switch/session/asio_timers.hpp"

#include <asio/post.hpp>
#include <asio/strand.hpp>

#include <chrono>

#include "core/saturating.hpp"

namespace es::sw {

core::Timers::Id AsioTimers::call_at(std::int64_t deadline_us, std::function<void()> fn) {
  // Each timer on its own strand, so a cancel never races with its handler.
  auto timer = std::make_shared<asio::steady_timer>(asio::make_strand(io_));
  timer->expires_at(asio::steady_timer::time_point(
      std::chrono::microseconds(std::min(deadline_us, core::kFarFutureUs))));
  Id id;
  {
    std::lock_guard lock(mutex_);
    id = next_id_++;
    timers_.emplace(id, timer);
  }
  timer->async_wait([this, id, fn = std::move(fn)](std::error_code ec) {
    bool live;
    {
      std::lock_guard lock(mutex_);
      live = timers_.erase(id) > 0;
    }
    if (!ec && live) fn();
  });
  return id;
}

void AsioTimers::cancel(Id id) {
  std::shared_ptr<asio::steady_timer> timer;
  {
    std::lock_guard lock(mutex_);
    auto it = timers_.find(id);
    if (it == timers_.end()) return;
    timer = it->second;
    timers_.erase(it);
  }
  // The handler may run on another thread; it finds the entry gone and the error set.
  asio::post(timer->get_executor(), [timer] { timer->cancel(); });
}

}  // namespace es::sw
