#include "scenario_blocks.hpp"

#include <algorithm>

namespace es::bench {

asio::awaitable<void> open_many(const Target& target, int count, int concurrency, bool authenticate,
                                OpenedConnections& out) {
  auto executor = co_await asio::this_coro::executor;
  // Each worker takes the next index until all are attempted; workers finish in any order, so
  // completion is counted and the caller's coroutine waits on a timer poll.
  auto next = std::make_shared<int>(0);
  auto running = std::make_shared<int>(0);
  auto worker = [&target, &out, count, authenticate, next, running]() -> asio::awaitable<void> {
    auto worker_executor = co_await asio::this_coro::executor;
    while (*next < count) {
      ++*next;
      // A small receive buffer: thousands of these are held at once.
      auto connection = std::make_unique<Connection>(worker_executor, 512);
      std::error_code ec;
      if (authenticate) {
        ec = co_await connection->open(target);
      } else {
        ec = co_await connection->connect(target.endpoint);
        protocol::Message challenge;
        if (!ec) ec = co_await connection->read_message(challenge);
      }
      if (ec) {
        ++out.failures;
        if (out.first_error.empty()) out.first_error = ec.message();
        connection->close();
      } else {
        out.connections.push_back(std::move(connection));
      }
    }
    --*running;
  };
  int workers = std::clamp(concurrency, 1, std::max(count, 1));
  for (int i = 0; i < workers; ++i) {
    ++*running;
    asio::co_spawn(executor, worker(), asio::detached);
  }
  while (*running > 0) co_await sleep_for(std::chrono::milliseconds(2));
}

asio::awaitable<void> api_probe(const Target& target, Clock::duration interval,
                                const std::atomic<bool>& stop, ProbeResult& result) {
  Connection connection(co_await asio::this_coro::executor);
  if (auto ec = co_await connection.open(target)) {
    result.error = ec.message();
    ++result.errors;
    co_return;
  }
  protocol::Message reply;
  while (!stop.load()) {
    std::int64_t before = monotonic_ns();
    if (auto ec = co_await connection.call("api version\n\n", reply)) {
      result.error = ec.message();
      ++result.errors;
      break;
    }
    result.latency.record(monotonic_ns() - before);
    if (reply.content_type() != "api/response") ++result.errors;
    co_await sleep_for(interval);
  }
  connection.close();
}

asio::awaitable<void> watch_process(int pid, Clock::duration interval,
                                    const std::atomic<bool>& stop, ProcessPeak& result) {
  while (!stop.load()) {
    if (auto sample = sample_process(pid)) {
      result.peak.rss_kb = std::max(result.peak.rss_kb, sample->rss_kb);
      result.peak.peak_rss_kb = std::max(result.peak.peak_rss_kb, sample->peak_rss_kb);
      result.peak.threads = std::max(result.peak.threads, sample->threads);
      result.peak.open_fds = std::max(result.peak.open_fds, sample->open_fds);
      ++result.samples;
    }
    co_await sleep_for(interval);
  }
}

}  // namespace es::bench
