// Micro-benchmark of the three event serializations (core::serialize_plain/json/xml) on an
// event shaped like a HEARTBEAT (standard headers plus the heartbeat's own, ~870 bytes plain).
#include <benchmark/benchmark.h>

#include <string>

#include "core/event.hpp"
#include "core/event_serializer.hpp"

namespace {

es::core::Event heartbeat_like_event() {
  es::core::Event event(es::core::EventType::kHeartbeat);
  const std::pair<const char*, const char*> headers[] = {
      {"Event-Name", "HEARTBEAT"},
      {"Core-UUID", "6d2375b0-0b3b-4f4a-9d6b-0c7e6b0a1f21"},
      {"FreeSWITCH-Hostname", "pbx1"},
      {"FreeSWITCH-Switchname", "pbx1"},
      {"FreeSWITCH-IPv4", "192.0.2.10"},
      {"FreeSWITCH-IPv6", "::1"},
      {"Event-Date-Local", "2025-03-04 10:20:30"},
      {"Event-Date-GMT", "Tue, 04 Mar 2025 10:20:30 GMT"},
      {"Event-Date-Timestamp", "1741083630123456"},
      {"Event-Calling-File", "switch_core.c"},
      {"Event-Calling-Function", "send_heartbeat"},
      {"Event-Calling-Line-Number", "95"},
      {"Event-Sequence", "4521"},
      {"Event-Info", "System Ready"},
      {"Up-Time",
       "0 years, 0 days, 1 hour, 2 minutes, 3 seconds, 456 milliseconds, 789 microseconds"},
      {"FreeSWITCH-Version", "1.11.3-dev~64bit"},
      {"Uptime-msec", "3723456"},
      {"Session-Count", "0"},
      {"Max-Sessions", "1000"},
      {"Session-Per-Sec", "30"},
      {"Session-Per-Sec-Last", "0"},
      {"Session-Per-Sec-Max", "1"},
      {"Session-Per-Sec-FiveMin", "0"},
      {"Session-Since-Startup", "3"},
      {"Session-Peak-Max", "2"},
      {"Session-Peak-FiveMin", "0"},
      {"Idle-CPU", "98.700000"},
  };
  for (const auto& [name, value] : headers) event.add_header(name, value);
  return event;
}

void serialize_format(benchmark::State& state, es::protocol::EventFormat format) {
  const es::core::Event event = heartbeat_like_event();
  std::string out;
  std::int64_t bytes = 0;
  for (auto _ : state) {
    out.clear();
    es::core::serialize(event, format, out);
    benchmark::DoNotOptimize(out.data());
    bytes += static_cast<std::int64_t>(out.size());
  }
  if (out.empty()) state.SkipWithError("serializer produced nothing");
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
}

void serialize_plain(benchmark::State& state) {
  serialize_format(state, es::protocol::EventFormat::kPlain);
}
void serialize_json(benchmark::State& state) {
  serialize_format(state, es::protocol::EventFormat::kJson);
}
void serialize_xml(benchmark::State& state) {
  serialize_format(state, es::protocol::EventFormat::kXml);
}
// The opt-in JSON with numbers (each value is checked for the number form).
void serialize_json_numbers(benchmark::State& state) {
  const es::core::Event event = heartbeat_like_event();
  std::string out;
  for (auto _ : state) {
    out.clear();
    es::core::serialize_json(event, out, es::core::JsonValues::kNumbers);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(serialize_plain);
BENCHMARK(serialize_json);
BENCHMARK(serialize_xml);
BENCHMARK(serialize_json_numbers);

}  // namespace

BENCHMARK_MAIN();
