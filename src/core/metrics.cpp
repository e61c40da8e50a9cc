#include "core/metrics.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace es::core {
namespace {

std::string_view type_name(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

// Prometheus reads Go float syntax; fmt's shortest round-trip form is valid for both integers
// and fractions.
std::string number(double value) {
  return fmt::format("{}", value);
}

}  // namespace

void Histogram::observe_us(std::int64_t micros) {
  if (micros < 0) micros = 0;
  const double seconds = static_cast<double>(micros) / 1e6;
  std::size_t i = 0;
  while (i < kBounds.size() && seconds > kBounds[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_us_.fetch_add(static_cast<std::uint64_t>(micros), std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < kBounds.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative[i] = running;
  }
  s.count = running + buckets_[kBounds.size()].load(std::memory_order_relaxed);
  s.sum_seconds = static_cast<double>(sum_us_.load(std::memory_order_relaxed)) / 1e6;
  return s;
}

void MetricsWriter::family(std::string_view name, MetricType type, std::string_view help) {
  text_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type_name(type));
}

void MetricsWriter::sample(std::string_view name, std::string_view labels, double value) {
  if (labels.empty()) {
    text_ += fmt::format("{} {}\n", name, number(value));
  } else {
    text_ += fmt::format("{}{{{}}} {}\n", name, labels, number(value));
  }
}

void MetricsWriter::histogram(std::string_view name, std::string_view labels,
                              const Histogram::Snapshot& s) {
  const std::string prefix = labels.empty() ? std::string() : std::string(labels) + ",";
  for (std::size_t i = 0; i < Histogram::kBounds.size(); ++i) {
    sample(fmt::format("{}_bucket", name),
           fmt::format("{}le=\"{}\"", prefix, number(Histogram::kBounds[i])),
           static_cast<double>(s.cumulative[i]));
  }
  sample(fmt::format("{}_bucket", name), prefix + "le=\"+Inf\"", static_cast<double>(s.count));
  sample(fmt::format("{}_sum", name), labels, s.sum_seconds);
  sample(fmt::format("{}_count", name), labels, static_cast<double>(s.count));
}

MetricsRegistry::Series& MetricsRegistry::add_series(const std::string& name, MetricType type,
                                                     const std::string& help, std::string labels) {
  std::lock_guard lock(mutex_);
  auto [it, added] = families_.try_emplace(name, Family{type, help, {}});
  if (!added && (it->second.type != type || it->second.help != help)) {
    throw std::logic_error("metric " + name + " registered twice with another type or help");
  }
  for (const Series& series : it->second.series) {
    if (series.labels == labels) throw std::logic_error("metric " + name + " registered twice");
  }
  Series& series = it->second.series.emplace_back();
  series.labels = std::move(labels);
  return series;
}

Counter& MetricsRegistry::counter(const std::string& name, const std::string& help,
                                  std::string labels) {
  Series& series = add_series(name, MetricType::kCounter, help, std::move(labels));
  series.counter = std::make_unique<Counter>();
  return *series.counter;
}

Gauge& MetricsRegistry::gauge(const std::string& name, const std::string& help,
                              std::string labels) {
  Series& series = add_series(name, MetricType::kGauge, help, std::move(labels));
  series.gauge = std::make_unique<Gauge>();
  return *series.gauge;
}

Histogram& MetricsRegistry::histogram(const std::string& name, const std::string& help,
                                      std::string labels) {
  Series& series = add_series(name, MetricType::kHistogram, help, std::move(labels));
  series.histogram = std::make_unique<Histogram>();
  return *series.histogram;
}

std::uint64_t MetricsRegistry::add_collector(Collector collector) {
  std::lock_guard lock(mutex_);
  std::uint64_t id = next_collector_++;
  collectors_.emplace(id, std::move(collector));
  return id;
}

void MetricsRegistry::remove_collector(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  collectors_.erase(id);
}

std::string MetricsRegistry::render() const {
  MetricsWriter out;
  // Held for the whole scrape, so a collector is never removed (and what it reads destroyed)
  // while it runs.
  std::lock_guard lock(mutex_);
  for (const auto& [name, family] : families_) {
    out.family(name, family.type, family.help);
    for (const Series& series : family.series) {
      if (series.counter) {
        out.sample(name, series.labels, static_cast<double>(series.counter->value()));
      } else if (series.gauge) {
        out.sample(name, series.labels, static_cast<double>(series.gauge->value()));
      } else if (series.histogram) {
        out.histogram(name, series.labels, series.histogram->snapshot());
      }
    }
  }
  for (const auto& [id, collector] : collectors_) collector(out);
  return std::move(out.text());
}

std::string metric_label(std::string_view key, std::string_view value) {
  std::string label(key);
  label += "=\"";
  for (char c : value) {
    if (c == '\\' || c == '"') {
      label += '\\';
      label += c;
    } else if (c == '\n') {
      label += "\\n";
    } else {
      label += c;
    }
  }
  label += '"';
  return label;
}

}  // namespace es::core
