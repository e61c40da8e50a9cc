#include "load_runtime.hpp"

#include <algorithm>
#include <thread>

namespace es::bench {

LoadRuntime::LoadRuntime(int threads) {
  int count = std::max(threads, 1);
  for (int i = 0; i < count; ++i) contexts_.push_back(std::make_unique<asio::io_context>(1));
}

bool LoadRuntime::run(Clock::duration limit) {
  auto deadline = Clock::now() + limit;
  std::vector<std::thread> threads;
  auto run_one = [deadline](asio::io_context& context) {
    // A context whose own work ran out keeps waiting until stop() or the deadline, because
    // other contexts may still be busy.
    auto guard = asio::make_work_guard(context);
    context.run_until(deadline);
  };
  for (std::size_t i = 1; i < contexts_.size(); ++i) {
    threads.emplace_back([&run_one, this, i] { run_one(*contexts_[i]); });
  }
  run_one(*contexts_[0]);
  bool finished = stopped_.load();
  stop();
  for (auto& thread : threads) thread.join();
  return finished;
}

void LoadRuntime::stop() {
  stopped_.store(true);
  for (auto& context : contexts_) context->stop();
}

asio::awaitable<void> sleep_for(Clock::duration delay) {
  asio::steady_timer timer(co_await asio::this_coro::executor, delay);
  std::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

}  // namespace es::bench
