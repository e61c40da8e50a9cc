#include "switch/session/waiter.hpp"

#include <asio/experimental/as_tuple.hpp>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>

#include "core/saturating.hpp"

namespace es::sw {

Waiter::Waiter(const asio::any_io_executor& executor, core::Timers& timers,
               const core::Clock& clock)
    : executor_(executor), timers_(timers), clock_(clock), timer_(executor) {}

void Waiter::signal() {
  pending_.store(true, std::memory_order_release);
  // One posted cancel at a time is enough: it runs after the waiter has started waiting or
  // finds the pending flag set on its next wait.
  if (cancel_posted_.exchange(true, std::memory_order_acq_rel)) return;
  asio::post(executor_, [self = shared_from_this()] {
    self->cancel_posted_.store(false, std::memory_order_release);
    self->timer_.cancel();
  });
}

asio::awaitable<bool> Waiter::wait_until(std::int64_t deadline_us) {
  if (pending_.exchange(false, std::memory_order_acq_rel)) co_return true;
  if (deadline_us >= 0 && clock_.now_monotonic_us() >= deadline_us) co_return false;
  core::Timers::Id id = 0;
  if (deadline_us >= 0) {
    std::weak_ptr<Waiter> weak = weak_from_this();
    id = timers_.call_at(deadline_us, [weak] {
      if (auto self = weak.lock()) {
        // A deadline is not a signal: wake without leaving a pending flag behind.
        if (self->cancel_posted_.exchange(true, std::memory_order_acq_rel)) return;
        asio::post(self->executor_, [self] {
          self->cancel_posted_.store(false, std::memory_order_release);
          self->timer_.cancel();
        });
      }
    });
  }
  timer_.expires_at(asio::steady_timer::time_point::max());
  co_await timer_.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
  if (id) timers_.cancel(id);
  co_return pending_.exchange(false, std::memory_order_acq_rel);
}

std::int64_t Waiter::deadline_after_ms(std::int64_t ms) const {
  return core::saturating_add(clock_.now_monotonic_us(), core::saturating_mul(ms, 1000));
}

}  // namespace es::sw
