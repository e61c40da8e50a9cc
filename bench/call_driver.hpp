// Call load over the event socket: a driver connection that places loopback calls with
// `bgapi originate` and (optionally) hangs each one up with `bgapi uuid_kill` as soon as its
// BACKGROUND_JOB brings the A-leg's uuid; plus the `api` helpers the call scenarios share
// (session limits, the daemon's active session count).
#pragma once

#include <asio.hpp>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "latency_histogram.hpp"
#include "load_connection.hpp"
#include "load_runtime.hpp"

namespace es::bench {

struct CallDriverOptions {
  std::string originate_args;   // e.g. "loopback/9999 &park()"
  std::uint64_t max_calls = 0;  // originates this driver places at most
  int window = 8;               // calls in flight (originating or being killed)
  bool kill = true;             // uuid_kill each answered call
  std::string job_prefix;       // first 8 hex digits of our Job-UUIDs (random per run)
  int driver_index = 0;         // makes the Job-UUIDs of this driver unique
};

// Shared between the drivers and whoever waits for them (atomics only: the drivers may run on
// different event loops).
struct CallDriverShared {
  std::atomic<int> ready{0};                  // drivers logged in and subscribed
  std::atomic<bool> go{false};                // set once everyone is ready
  std::atomic<bool> stop_originating{false};  // the load phase is over: finish what is in flight
  std::atomic<std::int64_t> start_ns{0};
  std::atomic<int> finished{0};
};

struct CallDriverResult {
  std::uint64_t originated = 0;          // bgapi originate sent
  std::uint64_t answered = 0;            // BACKGROUND_JOB "+OK <uuid>"
  std::uint64_t originate_failures = 0;  // BACKGROUND_JOB "-ERR ..."
  std::uint64_t killed = 0;              // uuid_kill job "+OK"
  std::uint64_t kill_failures = 0;
  std::uint64_t rejected_commands = 0;   // bgapi not acknowledged with "+OK Job-UUID"
  LatencyHistogram originate_latency;    // bgapi originate sent -> its BACKGROUND_JOB
  LatencyHistogram kill_latency;         // bgapi uuid_kill sent -> its BACKGROUND_JOB
  LatencyHistogram call_latency;         // bgapi originate sent -> uuid_kill job done
  std::vector<std::string> a_leg_uuids;  // kept only when the driver does not kill
  std::string first_failure;             // body of the first -ERR job, or a socket error
  Clock::time_point last_done{};
};

// `options` is taken by value: the coroutine outlives the caller's copy. Logs in, subscribes
// to BACKGROUND_JOB, reports ready, waits for `shared.go`, then keeps
// `window` calls in flight until max_calls or `shared.stop_originating`; returns when none is left
// in flight.
asio::awaitable<void> call_driver(const Target& target, CallDriverOptions options,
                                  CallDriverShared& shared, CallDriverResult& result);

// The drivers of one run and their results (read after the runtime has joined its threads).
struct DriverSet {
  CallDriverShared shared;
  std::vector<std::unique_ptr<CallDriverResult>> results;

  // Counts added, histograms merged, the first failure kept.
  CallDriverResult total() const;
};

// Spreads `calls` over `connections` drivers started on the runtime's loops from index 1 (the
// scenario's own coroutines live on loop 0).
void spawn_drivers(LoadRuntime& runtime, const Target& target, int connections, std::uint64_t calls,
                   const CallDriverOptions& base, DriverSet& set);

// 8 random hex digits: the Job-UUIDs of one run start with them.
std::string random_job_prefix();

// `api <command>` on an open connection; the body of the api/response, or nullopt when the
// connection failed.
asio::awaitable<std::optional<std::string>> api_body(Connection& connection,
                                                     std::string_view command);

// Active sessions from `api status` ("<n> session(s) - peak ..."), or -1.
asio::awaitable<std::int64_t> active_sessions(Connection& connection);

// Polls active_sessions every 10 ms until it equals `target` or `limit` passes; returns the
// last count seen.
asio::awaitable<std::int64_t> wait_for_sessions(Connection& connection, std::int64_t target,
                                                Clock::duration limit);

// What a FreeSWITCH benchmark does first: `fsctl max_sessions` and `fsctl sps` raised so the
// limits do not cap the load. Returns the replies (for the result line), empty on failure.
asio::awaitable<std::string> raise_session_limits(Connection& connection, std::uint64_t sessions,
                                                  std::uint64_t per_second);

}  // namespace es::bench
