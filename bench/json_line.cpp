#include "json_line.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>

#include "protocol/escape.hpp"

namespace es::bench {

void JsonLine::key(std::string_view name) {
  if (!body_.empty()) body_ += ',';
  protocol::json_string_append(body_, name);
  body_ += ':';
}

JsonLine& JsonLine::add(std::string_view name, std::string_view value) {
  key(name);
  protocol::json_string_append(body_, value);
  return *this;
}

JsonLine& JsonLine::add(std::string_view name, bool value) {
  key(name);
  body_ += value ? "true" : "false";
  return *this;
}

JsonLine& JsonLine::add(std::string_view name, double value) {
  key(name);
  // JSON has no NaN or infinity; a figure that could not be computed is null.
  body_ += std::isfinite(value) ? fmt::format("{:.3f}", value) : std::string("null");
  return *this;
}

JsonLine& JsonLine::add(std::string_view name, std::int64_t value) {
  key(name);
  body_ += fmt::format("{}", value);
  return *this;
}

JsonLine& JsonLine::add(std::string_view name, std::uint64_t value) {
  key(name);
  body_ += fmt::format("{}", value);
  return *this;
}

JsonLine& JsonLine::add(std::string_view name, const JsonLine& object) {
  key(name);
  body_ += object.str();
  return *this;
}

JsonLine& JsonLine::add_latency(std::string_view name, const LatencyHistogram& histogram) {
  auto us = [](std::int64_t ns) { return static_cast<double>(ns) / 1000.0; };
  JsonLine summary;
  summary.add("count", histogram.count())
      .add("p50_us", us(histogram.quantile(0.50)))
      .add("p99_us", us(histogram.quantile(0.99)))
      .add("p999_us", us(histogram.quantile(0.999)))
      .add("max_us", us(histogram.max()))
      .add("mean_us", histogram.mean() / 1000.0);
  return add(name, summary);
}

void JsonLine::print() const {
  std::string line = str();
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}

}  // namespace es::bench
