// Building blocks shared by several scenarios.
#pragma once

#include <asio.hpp>
#include <atomic>
#include <memory>
#include <system_error>
#include <vector>

#include "latency_histogram.hpp"
#include "load_connection.hpp"
#include "load_runtime.hpp"
#include "process_stats.hpp"

namespace es::bench {

// connect -> auth -> exit -> disconnect notice; an error when any step deviates.
asio::awaitable<std::error_code> auth_exit_cycle(const Target& target);

// Opens `count` authenticated connections, at most `concurrency` logins at a time, and keeps
// them in `out` (failed ones are counted, not kept).
struct OpenedConnections {
  std::vector<std::unique_ptr<Connection>> connections;
  std::uint64_t failures = 0;
  std::string first_error;
};
asio::awaitable<void> open_many(const Target& target, int count, int concurrency, bool authenticate,
                                OpenedConnections& out);

// Sends `api version` every `interval` on its own connection until `stop` is set, recording
// each round trip: shows whether the server stays responsive while something else happens.
struct ProbeResult {
  LatencyHistogram latency;
  std::uint64_t errors = 0;
  std::string error;
};
asio::awaitable<void> api_probe(const Target& target, Clock::duration interval,
                                const std::atomic<bool>& stop, ProbeResult& result);

// Samples the process every `interval` until `stop`, keeping the highest RSS and fd count.
struct ProcessPeak {
  ProcessSample peak;
  std::uint64_t samples = 0;
};
asio::awaitable<void> watch_process(int pid, Clock::duration interval,
                                    const std::atomic<bool>& stop, ProcessPeak& result);

}  // namespace es::bench
