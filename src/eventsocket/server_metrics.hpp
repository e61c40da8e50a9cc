// The event socket's metrics: counters bumped where things happen (relaxed atomics, no lock; a
// listener adds its delivered events once per written batch, not per event), so totals stay
// monotonic when connections close. Server::register_metrics writes them, with the gauges
// read from the live listeners at scrape time, into a core::MetricsRegistry.
#pragma once

#include <cstdint>

#include "core/metrics.hpp"

namespace es::eventsocket {

// Where a connection is, for eventswitch_connections{state=...}.
enum class ConnectionPhase : std::uint8_t {
  kHandshake,
  kUnauthenticated,
  kAuthenticated,
  kClosing
};

struct ServerMetrics {
  core::Counter accepted_plain;
  core::Counter accepted_tls;
  core::Counter refused;  // closed at accept by a connection cap
  core::Counter tls_handshake_failures;
  core::Histogram api_duration;  // api commands, from the command to its reply being queued
  core::Counter bgapi_started;
  core::Gauge bgapi_running;
  core::Counter events_delivered;
  core::Counter events_lost;
  core::Counter log_lines_lost;
};

// One live listener's figures, read under its mutex at scrape time.
struct ListenerMetricsSample {
  ConnectionPhase phase = ConnectionPhase::kUnauthenticated;
  bool tls = false;
  std::size_t queued_events = 0;
  std::size_t queued_logs = 0;
  std::size_t queued_bytes = 0;
};

}  // namespace es::eventsocket
