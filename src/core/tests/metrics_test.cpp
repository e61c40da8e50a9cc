// core::MetricsRegistry: the Prometheus text it renders (families once, labels, cumulative
// histogram buckets), collectors, and refused double registrations.
#include "core/metrics.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace es::core {
namespace {

TEST(MetricsRegistry, RendersOwnedSeriesOncePerFamilyWithLabels) {
  MetricsRegistry registry;
  Counter& plain = registry.counter("demo_requests_total", "Requests.", "kind=\"plain\"");
  Counter& tls = registry.counter("demo_requests_total", "Requests.", "kind=\"tls\"");
  Gauge& depth = registry.gauge("demo_depth", "Depth.");
  plain.add(3);
  tls.add();
  depth.set(-2);
  std::string text = registry.render();
  EXPECT_EQ(text,
            "# HELP demo_depth Depth.\n# TYPE demo_depth gauge\ndemo_depth -2\n"
            "# HELP demo_requests_total Requests.\n# TYPE demo_requests_total counter\n"
            "demo_requests_total{kind=\"plain\"} 3\ndemo_requests_total{kind=\"tls\"} 1\n");
}

TEST(MetricsRegistry, HistogramBucketsAreCumulativeWithSumAndCount) {
  MetricsRegistry registry;
  Histogram& latency = registry.histogram("demo_seconds", "Latency.");
  latency.observe_us(50);        // <= 0.0001
  latency.observe_us(100);       // exactly on the first bound: counted in it
  latency.observe_us(3000);      // <= 0.005
  latency.observe_us(60000000);  // above every bound: only +Inf
  auto s = latency.snapshot();
  EXPECT_EQ(s.cumulative[0], 2u);
  EXPECT_EQ(s.cumulative[4], 2u);  // 0.0025
  EXPECT_EQ(s.cumulative[5], 3u);  // 0.005
  EXPECT_EQ(s.cumulative.back(), 3u);
  EXPECT_EQ(s.count, 4u);
  EXPECT_DOUBLE_EQ(s.sum_seconds, 60.00315);
  std::string text = registry.render();
  EXPECT_NE(text.find("demo_seconds_bucket{le=\"0.0001\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("demo_seconds_bucket{le=\"+Inf\"} 4\n"), std::string::npos) << text;
  EXPECT_NE(text.find("demo_seconds_count 4\n"), std::string::npos) << text;
}

TEST(MetricsRegistry, LabelValuesAreEscaped) {
  EXPECT_EQ(metric_label("upstream", "fs1"), "upstream=\"fs1\"");
  EXPECT_EQ(metric_label("upstream", "a\"b\\c\nd"), "upstream=\"a\\\"b\\\\c\\nd\"");
}

TEST(MetricsRegistry, CollectorsWriteAtScrapeTimeUntilRemoved) {
  MetricsRegistry registry;
  int calls = 0;
  auto id = registry.add_collector([&calls](MetricsWriter& out) {
    ++calls;
    out.family("demo_live", MetricType::kGauge, "Live things.");
    out.sample("demo_live", "state=\"up\"", 7);
  });
  EXPECT_NE(registry.render().find("demo_live{state=\"up\"} 7\n"), std::string::npos);
  registry.remove_collector(id);
  EXPECT_EQ(registry.render().find("demo_live"), std::string::npos);
  EXPECT_EQ(calls, 1);
}

TEST(MetricsRegistry, RefusesTheSameSeriesTwiceOrAFamilyWithAnotherType) {
  MetricsRegistry registry;
  registry.counter("demo_total", "Things.");
  EXPECT_THROW(registry.counter("demo_total", "Things."), std::logic_error);
  EXPECT_THROW(registry.gauge("demo_total", "Things.", "a=\"b\""), std::logic_error);
}

}  // namespace
}  // namespace es::core
