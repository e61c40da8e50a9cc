// A small registry of metrics for the Prometheus text format (docs: README "Metrics"). Two
// kinds of entries:
//  - owned series (Counter, Gauge, Histogram): relaxed atomics updated wherever the thing
//    happens, on any thread, without a lock; registered once, their addresses stay valid for
//    the registry's life;
//  - collectors: functions run at scrape time (on the scraping thread) that write whole
//    families computed from the current state (connections by state, queue sizes...).
// A family's name appears once: registering a name twice with another type or help is a
// programming error (std::logic_error). Adding series to one family with distinct label sets
// is how labelled metrics are made (state="open", transport="tls").
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace es::core {

enum class MetricType : std::uint8_t { kCounter, kGauge, kHistogram };

class Counter {
 public:
  void add(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  void set(std::int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void add(std::int64_t n) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

// Latency histogram with fixed bucket bounds in seconds (kBounds), observed in microseconds.
class Histogram {
 public:
  static constexpr std::array<double, 14> kBounds = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 2.5, 10.0};
  void observe_us(std::int64_t micros);
  // Cumulative counts per bound (as Prometheus wants), then the total count and the sum.
  struct Snapshot {
    std::array<std::uint64_t, kBounds.size()> cumulative{};
    std::uint64_t count = 0;
    double sum_seconds = 0;
  };
  Snapshot snapshot() const;

 private:
  std::array<std::atomic<std::uint64_t>, kBounds.size() + 1> buckets_{};  // last: above all
  std::atomic<std::uint64_t> sum_us_{0};
};

// What a collector writes: families, each followed by its samples.
class MetricsWriter {
 public:
  // Starts a family (# HELP, # TYPE). `name` follows Prometheus conventions (unit suffix,
  // _total for counters).
  void family(std::string_view name, MetricType type, std::string_view help);
  // One sample of the current family; `labels` is `key="value",...` without braces ("" none).
  void sample(std::string_view name, std::string_view labels, double value);
  void histogram(std::string_view name, std::string_view labels, const Histogram::Snapshot& s);
  std::string& text() { return text_; }

 private:
  std::string text_;
};

// `key="value"` with the value escaped as the text format wants (backslash, quote, newline), for
// label values that come from configuration or peers.
std::string metric_label(std::string_view key, std::string_view value);

class MetricsRegistry {
 public:
  using Collector = std::function<void(MetricsWriter&)>;

  Counter& counter(const std::string& name, const std::string& help, std::string labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, std::string labels = {});
  Histogram& histogram(const std::string& name, const std::string& help, std::string labels = {});
  // Returns an id for remove_collector (a collector must be removed before what it reads dies).
  std::uint64_t add_collector(Collector collector);
  void remove_collector(std::uint64_t id);

  // The whole exposition: owned families in name order, then the collectors' output.
  std::string render() const;

 private:
  struct Series {
    std::string labels;
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
  };
  struct Family {
    MetricType type;
    std::string help;
    std::vector<Series> series;
  };
  Series& add_series(const std::string& name, MetricType type, const std::string& help,
                     std::string labels);

  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
  std::map<std::uint64_t, Collector> collectors_;
  std::uint64_t next_collector_ = 1;
};

}  // namespace es::core
