// Builds the one-line JSON result every es_load subcommand prints: a flat object whose
// members are numbers, strings, booleans or nested objects (latency summaries).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "latency_histogram.hpp"

namespace es::bench {

class JsonLine {
 public:
  JsonLine& add(std::string_view key, std::string_view value);
  JsonLine& add(std::string_view key, const char* value) {
    return add(key, std::string_view(value));
  }
  JsonLine& add(std::string_view key, bool value);
  JsonLine& add(std::string_view key, double value);
  JsonLine& add(std::string_view key, std::int64_t value);
  JsonLine& add(std::string_view key, std::uint64_t value);
  JsonLine& add(std::string_view key, int value) {
    return add(key, static_cast<std::int64_t>(value));
  }
  JsonLine& add(std::string_view key, const JsonLine& object);
  // {"count":n,"p50_us":..,"p99_us":..,"p999_us":..,"max_us":..,"mean_us":..}
  JsonLine& add_latency(std::string_view key, const LatencyHistogram& histogram);

  std::string str() const { return "{" + body_ + "}"; }
  // Writes the object and a newline to stdout and flushes.
  void print() const;

 private:
  void key(std::string_view name);
  std::string body_;
};

}  // namespace es::bench
