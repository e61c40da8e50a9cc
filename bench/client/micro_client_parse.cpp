// Micro-benchmark of the client library's event parsing (es::client::parse_plain_event and
// parse_json_event) on an event of about 600 bytes, shaped like what a fan-out subscriber
// receives: a CUSTOM event with the daemon's standard headers and a few of the application's,
// some with characters that plain events URL-encode. The text comes from the daemon's own
// serializer (core::serialize), so it is byte for byte what travels on the wire.
//
// parse_*: the event body alone. frame_and_parse_*: the client's whole read path without the
// socket: outer framing (protocol::MessageParser over a buffer of back-to-back messages, as a
// 64 KiB read delivers them), then the event parse.
#include <benchmark/benchmark.h>

#include <string>

#include "client/event.hpp"
#include "core/event.hpp"
#include "core/event_serializer.hpp"
#include "protocol/message_parser.hpp"

namespace {

using es::protocol::EventFormat;

es::core::Event fanout_like_event() {
  es::core::Event event(es::core::EventType::kCustom, "bench::client");
  const std::pair<const char*, const char*> headers[] = {
      {"Event-Name", "CUSTOM"},
      {"Core-UUID", "6d2375b0-0b3b-4f4a-9d6b-0c7e6b0a1f21"},
      {"FreeSWITCH-Hostname", "pbx1.example.net"},
      {"FreeSWITCH-Switchname", "pbx1.example.net"},
      {"FreeSWITCH-IPv4", "192.0.2.10"},
      {"FreeSWITCH-IPv6", "::1"},
      {"Event-Date-Local", "2025-03-04 10:20:30"},
      {"Event-Date-GMT", "Tue, 04 Mar 2025 10:20:30 GMT"},
      {"Event-Date-Timestamp", "1741083630123456"},
      {"Event-Calling-File", "listener_commands.cpp"},
      {"Event-Calling-Function", "sendevent"},
      {"Event-Calling-Line-Number", "412"},
      {"Event-Sequence", "4521"},
      {"Caller-Caller-ID-Name", "Jane Doe"},
      {"Caller-Caller-ID-Number", "+15551234567"},
      {"Agent-Status", "Available (On Demand)"},
      {"Bench-Seq", "123456"},
  };
  for (const auto& [name, value] : headers) event.add_header(name, value);
  event.move_subclass_header_first();  // as in the copy delivered to a listener
  return event;
}

std::string serialized(EventFormat format) {
  std::string text;
  es::core::serialize(fanout_like_event(), format, text);
  return text;
}

// The parse must have found the headers; a benchmark of a parser that fails is worthless.
bool parsed_well(const es::client::Event& event) {
  return event.name() == "CUSTOM" && event.header_or("Caller-Caller-ID-Name") == "Jane Doe" &&
         event.header_or("Agent-Status") == "Available (On Demand)";
}

void parse_plain(benchmark::State& state) {
  const std::string text = serialized(EventFormat::kPlain);
  if (!parsed_well(es::client::parse_plain_event(text))) state.SkipWithError("bad parse");
  for (auto _ : state) {
    es::client::Event event = es::client::parse_plain_event(text);
    benchmark::DoNotOptimize(event.headers.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
  state.counters["event_bytes"] = static_cast<double>(text.size());
}

void parse_json(benchmark::State& state) {
  const std::string text = serialized(EventFormat::kJson);
  auto first = es::client::parse_json_event(text);
  if (!first || !parsed_well(*first)) state.SkipWithError("bad parse");
  for (auto _ : state) {
    std::optional<es::client::Event> event = es::client::parse_json_event(text);
    benchmark::DoNotOptimize(event->headers.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
  state.counters["event_bytes"] = static_cast<double>(text.size());
}

// A 64 KiB stream of messages as the daemon sends them to a subscriber.
std::string message_stream(EventFormat format, std::size_t& messages) {
  const std::string body = serialized(format);
  const std::string message = "Content-Length: " + std::to_string(body.size()) +
                              "\nContent-Type: text/event-" +
                              (format == EventFormat::kJson ? "json" : "plain") + "\n\n" + body;
  std::string stream;
  for (messages = 0; stream.size() + message.size() <= 65536; ++messages) stream += message;
  return stream;
}

void frame_and_parse(benchmark::State& state, EventFormat format) {
  std::size_t messages = 0;
  const std::string stream = message_stream(format, messages);
  std::int64_t events = 0;
  std::int64_t good = 0;
  for (auto _ : state) {
    // A parser per 64 KiB read keeps the loop self-contained; its setup is one allocation.
    es::protocol::MessageParser parser(es::protocol::ParserLimits{}, false);
    parser.feed(stream);
    es::protocol::Message message;
    while (parser.next(message) == es::protocol::ParseStatus::kPacket) {
      if (format == EventFormat::kJson) {
        auto event = es::client::parse_json_event(message.body);
        good += event && !event->headers.empty();
      } else {
        good += !es::client::parse_plain_event(message.body).headers.empty();
      }
      ++events;
      message = {};
    }
  }
  if (good != events || events == 0) state.SkipWithError("messages did not parse");
  state.SetItemsProcessed(events);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(stream.size()));
  state.counters["messages_per_read"] = static_cast<double>(messages);
}

void frame_and_parse_plain(benchmark::State& state) {
  frame_and_parse(state, EventFormat::kPlain);
}
void frame_and_parse_json(benchmark::State& state) {
  frame_and_parse(state, EventFormat::kJson);
}

BENCHMARK(parse_plain);
BENCHMARK(parse_json);
BENCHMARK(frame_and_parse_plain);
BENCHMARK(frame_and_parse_json);

}  // namespace

BENCHMARK_MAIN();
