// AMQP export throughput against a running broker, beside the broker's own ceiling for one
// connection: a minimal rabbitmq-c publisher sending the same bodies with the same properties.
// Prints one JSON line per measurement, then the ratio (bench/amqp.sh runs it; goal >= 0.8).
//   amqp_publish_rate --port 5672 [--events 200000] [--rounds 2]
#include <amqp.h>
#include <amqp_tcp_socket.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "amqp/event_producer.hpp"
#include "core/clock.hpp"
#include "core/runtime.hpp"

namespace {

using Clock = std::chrono::steady_clock;

es::core::Event bench_event(es::core::Runtime& runtime, int seq) {
  es::core::Event event = runtime.events().create(es::core::EventType::kCustom, "bench::amqp");
  event.add_header("Unique-ID", "6d2375b0-0b3b-4f4a-9d6b-0c7e6b0a1f21");
  event.add_header("Bench-Seq", std::to_string(seq));
  event.add_header("Caller-Caller-ID-Name", "Bench Caller");
  event.add_header("Caller-Destination-Number", "1000");
  return event;
}

// Waits until the broker has processed everything sent on this connection: a synchronous
// method is answered only after the frames before it.
bool round_trip(amqp_connection_state_t state) {
  amqp_basic_qos(state, 1, 0, 0, 0);
  return amqp_get_rpc_reply(state).reply_type == AMQP_RESPONSE_NORMAL;
}

// The minimal publisher: one connection, one channel, publish in a loop.
double raw_rate(int port, int events, const std::string& key, const std::string& body) {
  amqp_connection_state_t state = amqp_new_connection();
  amqp_socket_t* socket = amqp_tcp_socket_new(state);
  if (amqp_socket_open(socket, "127.0.0.1", port) != AMQP_STATUS_OK) return 0;
  if (amqp_login(state, "/", 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, "guest", "guest").reply_type !=
      AMQP_RESPONSE_NORMAL) {
    return 0;
  }
  amqp_channel_open(state, 1);
  amqp_exchange_declare(state, 1, amqp_cstring_bytes("TAP.Bench"), amqp_cstring_bytes("topic"), 0,
                        1, 0, 0, amqp_empty_table);
  if (amqp_get_rpc_reply(state).reply_type != AMQP_RESPONSE_NORMAL) return 0;
  // The properties the exporter sends by default: content type, timestamp, two headers.
  amqp_basic_properties_t props{};
  props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_TIMESTAMP_FLAG | AMQP_BASIC_HEADERS_FLAG;
  props.content_type = amqp_cstring_bytes("text/json");
  amqp_table_entry_t headers[2]{};
  headers[0].key = amqp_cstring_bytes("x_Liquid_MessageSentTimeStamp");
  headers[0].value.kind = AMQP_FIELD_KIND_TIMESTAMP;
  headers[1].key = amqp_cstring_bytes("x_Liquid_MessageSentTimeStampMicro");
  headers[1].value.kind = AMQP_FIELD_KIND_I64;
  props.headers = amqp_table_t{2, headers};
  amqp_bytes_t key_bytes{key.size(), const_cast<char*>(key.data())};
  amqp_bytes_t body_bytes{body.size(), const_cast<char*>(body.data())};
  auto begin = Clock::now();
  for (int i = 0; i < events; ++i) {
    props.timestamp = static_cast<std::uint64_t>(std::time(nullptr));
    headers[0].value.value.u64 = props.timestamp;
    headers[1].value.value.i64 = static_cast<std::int64_t>(props.timestamp) * 1000000;
    if (amqp_basic_publish(state, 1, amqp_cstring_bytes("TAP.Bench"), key_bytes, 0, 0, &props,
                           body_bytes) != AMQP_STATUS_OK) {
      return 0;
    }
  }
  bool ok = round_trip(state);
  double seconds = std::chrono::duration<double>(Clock::now() - begin).count();
  amqp_connection_close(state, AMQP_REPLY_SUCCESS);
  amqp_destroy_connection(state);
  return ok ? events / seconds : 0;
}

// The exporter: events fired on a real bus, serialized, keyed and published by a producer
// profile's thread. The firing side pauses while the send queue is half full, so nothing is
// dropped and the figure is the publishing thread's rate.
double exporter_rate(int port, int events, bool confirms, std::uint64_t* dropped) {
  es::core::Runtime runtime(std::make_unique<es::core::RealClock>());
  es::amqp::ProducerProfile profile;
  profile.name = "bench";
  es::amqp::BrokerEndpoint endpoint;
  endpoint.name = "local";
  endpoint.hostname = "127.0.0.1";
  endpoint.port = port;
  profile.connections.push_back(endpoint);
  profile.exchange = "TAP.Bench";
  profile.publisher_confirms = confirms;
  profile.format_fields = {{{"#FreeSWITCH"}},
                           {{"FreeSWITCH-Hostname"}},
                           {{"Event-Name"}},
                           {{"Event-Subclass"}},
                           {{"Unique-ID"}}};
  auto producer = std::make_shared<es::amqp::EventProducer>(profile, runtime);
  producer->start();
  auto wait_until = [](auto done, std::chrono::seconds limit) {
    auto deadline = Clock::now() + limit;
    while (!done() && Clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    return done();
  };
  if (!wait_until([&] { return producer->stats().connects.load() > 0; },
                  std::chrono::seconds(10))) {
    return 0;
  }
  const std::size_t half = static_cast<std::size_t>(profile.send_queue_size) / 2;
  auto begin = Clock::now();
  for (int i = 0; i < events; ++i) {
    while (producer->queued() > half) std::this_thread::yield();
    runtime.bus().fire(bench_event(runtime, i));
  }
  bool ok = wait_until(
      [&] { return producer->stats().published.load() >= static_cast<std::uint64_t>(events); },
      std::chrono::seconds(120));
  double seconds = std::chrono::duration<double>(Clock::now() - begin).count();
  *dropped = producer->stats().dropped.load();
  producer->stop();
  return ok ? events / seconds : 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("AMQP export rate beside a minimal rabbitmq-c publisher");
  int port = 5672;
  int events = 200000;
  int rounds = 2;
  app.add_option("--port", port, "broker port on 127.0.0.1 (guest/guest)")->required();
  app.add_option("--events", events, "messages per measurement");
  app.add_option("--rounds", rounds, "alternating rounds of both publishers")
      ->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);

  // The raw publisher sends exactly what the exporter would for the same event.
  es::core::Runtime runtime(std::make_unique<es::core::RealClock>());
  auto fired = runtime.bus().fire(bench_event(runtime, 0));
  std::string_view frame = fired->frame(es::protocol::EventFormat::kJson);
  const std::string body(frame.substr(frame.find("\n\n") + 2));
  const std::string key =
      "FreeSWITCH.bench.CUSTOM.bench%3A%3Aamqp.6d2375b0-0b3b-4f4a-9d6b-0c7e6b0a1f21";

  // Both publishers share the machine with the broker (and whatever else runs), so each
  // round's ratio is reported and the summary takes the median round.
  std::vector<double> ratios;
  double best_raw = 0;
  double best_exporter = 0;
  for (int round = 0; round < rounds; ++round) {
    double raw = raw_rate(port, events, key, body);
    std::uint64_t dropped = 0;
    double exported = exporter_rate(port, events, false, &dropped);
    std::uint64_t dropped_confirmed = 0;
    double confirmed = exporter_rate(port, events, true, &dropped_confirmed);
    fmt::print(
        "{{\"scenario\":\"amqp-raw-publisher\",\"round\":{},\"events\":{},\"body_bytes\":{},"
        "\"events_per_s\":{:.0f}}}\n",
        round, events, body.size(), raw);
    fmt::print(
        "{{\"scenario\":\"amqp-exporter\",\"round\":{},\"events\":{},\"dropped\":{},"
        "\"events_per_s\":{:.0f}}}\n",
        round, events, dropped, exported);
    ratios.push_back(raw > 0 ? exported / raw : 0.0);
    fmt::print(
        "{{\"scenario\":\"amqp-exporter-confirms\",\"round\":{},\"events\":{},"
        "\"dropped\":{},\"events_per_s\":{:.0f}}}\n",
        round, events, dropped_confirmed, confirmed);
    best_raw = std::max(best_raw, raw);
    best_exporter = std::max(best_exporter, exported);
  }
  std::sort(ratios.begin(), ratios.end());
  fmt::print(
      "{{\"scenario\":\"amqp-ratio\",\"raw_best_per_s\":{:.0f},\"exporter_best_per_s\":{:.0f},"
      "\"best_ratio\":{:.3f},\"median_round_ratio\":{:.3f}}}\n",
      best_raw, best_exporter, best_raw > 0 ? best_exporter / best_raw : 0.0,
      ratios[ratios.size() / 2]);
  std::fflush(stdout);
  return best_raw > 0 && best_exporter > 0 ? 0 : 1;
}
