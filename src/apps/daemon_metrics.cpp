#include "apps/daemon_metrics.hpp"

namespace es::apps {

std::uint64_t register_switch_metrics(core::MetricsRegistry& registry, core::Runtime& runtime,
                                      const sw::SwitchCore& switch_core) {
  return registry.add_collector([&runtime, &switch_core](core::MetricsWriter& out) {
    const core::SessionStats& stats = runtime.sessions();
    out.family("eventswitch_sessions", core::MetricType::kGauge, "Call legs (sessions) alive.");
    out.sample("eventswitch_sessions", "", static_cast<double>(stats.active.load()));
    out.family("eventswitch_sessions_created_total", core::MetricType::kCounter,
               "Sessions created since startup.");
    out.sample("eventswitch_sessions_created_total", "",
               static_cast<double>(stats.since_startup.load()));
    out.family("eventswitch_sessions_peak", core::MetricType::kGauge,
               "Most sessions alive at once since startup.");
    out.sample("eventswitch_sessions_peak", "", static_cast<double>(stats.peak.load()));
    // `show calls` counts each call once, its legs however many.
    out.family("eventswitch_calls", core::MetricType::kGauge, "Calls in progress (show calls).");
    out.sample("eventswitch_calls", "",
               static_cast<double>(switch_core.channel_rows("calls").size()));
  });
}

std::uint64_t register_gateway_metrics(core::MetricsRegistry& registry,
                                       const gateway::Gateway& gateway) {
  return registry.add_collector([&gateway](core::MetricsWriter& out) {
    std::vector<gateway::UpstreamStatus> upstreams = gateway.status();
    std::vector<std::string> labels;
    labels.reserve(upstreams.size());
    for (const auto& upstream : upstreams)
      labels.push_back(core::metric_label("upstream", upstream.name));
    auto each = [&](std::string_view name, core::MetricType type, std::string_view help,
                    auto value_of) {
      out.family(name, type, help);
      for (std::size_t i = 0; i < upstreams.size(); ++i) {
        out.sample(name, labels[i], static_cast<double>(value_of(upstreams[i])));
      }
    };
    each("eventswitch_upstream_up", core::MetricType::kGauge,
         "1 while the gateway's connection to the upstream is up.",
         [](const gateway::UpstreamStatus& u) { return u.up ? 1 : 0; });
    each("eventswitch_upstream_channels", core::MetricType::kGauge,
         "Channels the gateway routes to the upstream.",
         [](const gateway::UpstreamStatus& u) { return u.channels; });
    each("eventswitch_upstream_events_received_total", core::MetricType::kCounter,
         "Events received from the upstream.",
         [](const gateway::UpstreamStatus& u) { return u.events; });
    each("eventswitch_upstream_connects_total", core::MetricType::kCounter,
         "Times the connection to the upstream came up.",
         [](const gateway::UpstreamStatus& u) { return u.connects; });
    each("eventswitch_upstream_subscription_size", core::MetricType::kGauge,
         "Event types plus CUSTOM subclasses the gateway is subscribed to on the upstream "
         "(ALL counts every event type).",
         [](const gateway::UpstreamStatus& u) { return u.subscription_size; });
    each("eventswitch_upstream_subscribed_all", core::MetricType::kGauge,
         "1 while the gateway is subscribed to ALL on the upstream.",
         [](const gateway::UpstreamStatus& u) { return u.subscribed_all ? 1 : 0; });
    each("eventswitch_upstream_lag_seconds", core::MetricType::kGauge,
         "Arrival time of the upstream's last event minus its Event-Date-Timestamp.",
         [](const gateway::UpstreamStatus& u) {
           return static_cast<double>(u.last_event_lag_us) / 1e6;
         });
  });
}

}  // namespace es::apps
