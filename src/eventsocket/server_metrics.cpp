// The event socket's part of the metrics exposition: counters kept by the listeners and the
// server, and what the live listeners hold, summed at scrape time.
#include <fmt/format.h>

#include <array>

#include "eventsocket/server.hpp"

namespace es::eventsocket {
namespace {

constexpr std::array<std::string_view, 4> kPhaseNames = {"handshake", "unauthenticated",
                                                         "authenticated", "closing"};

void write_counter(core::MetricsWriter& out, std::string_view name, std::string_view help,
                   double value) {
  out.family(name, core::MetricType::kCounter, help);
  out.sample(name, "", value);
}

void write_gauge(core::MetricsWriter& out, std::string_view name, std::string_view help,
                 double value) {
  out.family(name, core::MetricType::kGauge, help);
  out.sample(name, "", value);
}

}  // namespace

void Server::write_metrics(core::MetricsWriter& out) {
  ServerMetrics& m = context_.metrics;
  // [transport][phase]
  std::array<std::array<std::uint64_t, kPhaseNames.size()>, 2> connections{};
  std::uint64_t queued_events = 0, queued_logs = 0, queued_bytes = 0;
  // Each listener's mutex is taken for a few loads, one listener at a time.
  for (const auto& listener : registry_.snapshot()) {
    ListenerMetricsSample s = listener->metrics_sample();
    ++connections[s.tls ? 1 : 0][static_cast<std::size_t>(s.phase)];
    queued_events += s.queued_events;
    queued_logs += s.queued_logs;
    queued_bytes += s.queued_bytes;
  }
  out.family("eventswitch_connections", core::MetricType::kGauge,
             "Open event socket connections by transport and state.");
  for (std::size_t t = 0; t < 2; ++t) {
    for (std::size_t p = 0; p < kPhaseNames.size(); ++p) {
      out.sample("eventswitch_connections",
                 fmt::format("transport=\"{}\",state=\"{}\"", t ? "tls" : "plain", kPhaseNames[p]),
                 static_cast<double>(connections[t][p]));
    }
  }
  out.family("eventswitch_connections_accepted_total", core::MetricType::kCounter,
             "Event socket connections accepted, by transport.");
  out.sample("eventswitch_connections_accepted_total", "transport=\"plain\"",
             static_cast<double>(m.accepted_plain.value()));
  out.sample("eventswitch_connections_accepted_total", "transport=\"tls\"",
             static_cast<double>(m.accepted_tls.value()));
  write_counter(out, "eventswitch_connections_refused_total",
                "Connections closed at accept by max-connections or "
                "max-unauthenticated-per-address.",
                static_cast<double>(m.refused.value()));
  write_counter(out, "eventswitch_tls_handshake_failures_total",
                "TLS handshakes that failed or timed out.",
                static_cast<double>(m.tls_handshake_failures.value()));
  write_gauge(out, "eventswitch_queued_events", "Events waiting in the connections' write queues.",
              static_cast<double>(queued_events));
  write_gauge(out, "eventswitch_queued_log_lines",
              "Log lines waiting in the connections' write queues.",
              static_cast<double>(queued_logs));
  write_gauge(out, "eventswitch_queued_bytes",
              "Memory held by the connections' write queues, in bytes.",
              static_cast<double>(queued_bytes));
  write_counter(out, "eventswitch_events_delivered_total", "Events handed to client sockets.",
                static_cast<double>(m.events_delivered.value()));
  write_counter(out, "eventswitch_events_lost_total", "Events refused by a full write queue.",
                static_cast<double>(m.events_lost.value()));
  write_counter(out, "eventswitch_log_lines_lost_total", "Log lines refused by a full write queue.",
                static_cast<double>(m.log_lines_lost.value()));
  out.family("eventswitch_api_request_duration_seconds", core::MetricType::kHistogram,
             "Time from an api command to its reply being queued.");
  out.histogram("eventswitch_api_request_duration_seconds", "", m.api_duration.snapshot());
  write_counter(out, "eventswitch_bgapi_jobs_started_total", "bgapi jobs started.",
                static_cast<double>(m.bgapi_started.value()));
  write_gauge(out, "eventswitch_bgapi_jobs_running", "bgapi jobs running now.",
              static_cast<double>(m.bgapi_running.value()));
}

void Server::register_metrics(core::MetricsRegistry& registry) {
  unregister_metrics();
  metrics_registry_ = &registry;
  metrics_collector_ =
      registry.add_collector([this](core::MetricsWriter& out) { write_metrics(out); });
}

void Server::unregister_metrics() {
  if (!metrics_registry_) return;
  metrics_registry_->remove_collector(metrics_collector_);
  metrics_registry_ = nullptr;
}

}  // namespace es::eventsocket
