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

}  // namespace es::apps
