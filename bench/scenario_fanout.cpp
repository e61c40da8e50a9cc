// fanout: N subscribers on `event <fmt> CUSTOM bench::fan`, P publishers firing sendevent.
// Measures deliveries per second (first send to last delivery) and delivery latency from the
// timestamp each event carries.
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "event_publisher.hpp"
#include "json_line.hpp"
#include "protocol/frames.hpp"
#include "scenarios.hpp"

namespace es::bench {
namespace {

struct SubscriberSlot {
  // Atomic only so the controller can watch progress from another thread.
  std::atomic<std::uint64_t> received{0};
  std::uint64_t without_stamp = 0;  // events lacking the timestamp header
  std::uint64_t bytes = 0;
  Clock::time_point last_delivery{};
  LatencyHistogram latency;
  std::string error;
};

struct FanoutShared {
  std::atomic<int> subscribed{0};
  std::atomic<int> failed{0};
  std::atomic<int> complete{0};  // subscribers that got every event
  std::atomic<int> publishers_done{0};
  std::atomic<std::uint64_t> acknowledged{0};
  std::atomic<bool> stop_publishing{false};
};

asio::awaitable<void> subscriber(const Target& target, std::string subscribe_packet,
                                 std::uint64_t expected, SubscriberSlot& slot,
                                 FanoutShared& shared) {
  Connection connection(co_await asio::this_coro::executor, 65536);
  std::error_code ec = co_await connection.open(target);
  if (!ec) ec = co_await connection.command(subscribe_packet, "+OK event listener enabled");
  if (ec) {
    slot.error = ec.message();
    ++shared.failed;
    co_return;
  }
  ++shared.subscribed;
  protocol::Message message;
  while (slot.received < expected) {
    if (auto read_error = co_await connection.read_message(message)) {
      slot.error = read_error.message();
      break;
    }
    if (!message.content_type().starts_with("text/event-")) continue;
    std::int64_t now = monotonic_ns();
    std::int64_t sent = find_number_after(message.body, kSentHeader);
    if (sent < 0) {
      ++slot.without_stamp;
      continue;
    }
    slot.received.fetch_add(1, std::memory_order_relaxed);
    slot.latency.record(now - sent);
    slot.last_delivery = Clock::now();
    slot.bytes = connection.bytes_received();
  }
  if (slot.received >= expected) ++shared.complete;
  connection.close();
}

asio::awaitable<void> publisher(const Target& target, int id, PublisherPlan plan, int subscribers,
                                PublisherTally& tally, FanoutShared& shared) {
  Connection connection(co_await asio::this_coro::executor);
  if (auto ec = co_await connection.open(target)) {
    ++tally.errors;
    ++shared.publishers_done;
    co_return;
  }
  // Events fired before every subscriber is registered would be lost to the late ones.
  while (shared.subscribed.load() + shared.failed.load() < subscribers) {
    co_await sleep_for(std::chrono::milliseconds(1));
  }
  co_await publish_events(connection, id, plan, tally);
  shared.acknowledged += tally.acknowledged;
  ++shared.publishers_done;
  co_await connection.command("exit\n\n", "+OK bye");
  connection.close();
}

// Ends the run when every subscriber is complete, or when nothing was delivered for
// `drain` after the publishers finished.
asio::awaitable<void> controller(LoadRuntime& runtime, const FanoutOptions& options,
                                 const std::vector<std::unique_ptr<SubscriberSlot>>& slots,
                                 FanoutShared& shared) {
  auto drain =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.drain_s));
  std::uint64_t last_total = 0;
  auto last_progress = Clock::now();
  for (;;) {
    co_await sleep_for(std::chrono::milliseconds(5));
    if (shared.failed.load() == options.subscribers) break;
    if (shared.publishers_done.load() < options.publishers) continue;
    if (shared.complete.load() + shared.failed.load() >= options.subscribers) break;
    std::uint64_t total = 0;
    for (const auto& slot : slots) total += slot->received.load(std::memory_order_relaxed);
    if (total != last_total) {
      last_total = total;
      last_progress = Clock::now();
    } else if (Clock::now() - last_progress > drain) {
      break;
    }
  }
  runtime.stop();
}

}  // namespace

int run_fanout(const CommonOptions& common, const FanoutOptions& options) {
  Target target;
  if (!make_target(common, target)) return 2;
  auto format = protocol::parse_format(options.format);
  if (!format || options.subscribers < 1 || options.publishers < 1 || options.events < 1) {
    fmt::print(stderr,
               "fanout: need --subscribers >= 1, --publishers >= 1, --events >= 1 and "
               "--format plain|json|xml\n");
    return 2;
  }
  // TLS subscribers: the same server's TLS listener, its certificate checked against --ca.
  Target subscriber_target = target;
  std::unique_ptr<asio::ssl::context> tls;
  if (options.tls_port > 0) {
    tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    std::error_code ec;
    tls->load_verify_file(options.ca_file, ec);
    if (ec) {
      fmt::print(stderr, "fanout: cannot load --ca {}: {}\n", options.ca_file, ec.message());
      return 2;
    }
    tls->set_verify_mode(asio::ssl::verify_peer);
    subscriber_target.endpoint.port(static_cast<unsigned short>(options.tls_port));
    subscriber_target.tls = tls.get();
  }
  Target publish_target = target;
  if (options.publish_port > 0) {
    publish_target.endpoint.port(static_cast<unsigned short>(options.publish_port));
  }
  LoadRuntime runtime(common.threads);
  FanoutShared shared;
  std::vector<std::unique_ptr<SubscriberSlot>> slots;
  std::string subscribe = fmt::format("event {} CUSTOM bench::fan\n\n", options.format);
  for (int i = 0; i < options.subscribers; ++i) {
    slots.push_back(std::make_unique<SubscriberSlot>());
    asio::co_spawn(runtime.io(static_cast<std::size_t>(i)),
                   subscriber(subscriber_target, subscribe, options.events, *slots.back(), shared),
                   asio::detached);
  }
  auto give_up = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(common.timeout_s));
  std::vector<PublisherTally> tallies(static_cast<std::size_t>(options.publishers));
  for (int p = 0; p < options.publishers; ++p) {
    PublisherPlan plan;
    plan.subclass = "bench::fan";
    plan.events = options.events / static_cast<std::uint64_t>(options.publishers) +
                  (static_cast<std::uint64_t>(p) <
                           options.events % static_cast<std::uint64_t>(options.publishers)
                       ? 1
                       : 0);
    plan.window = options.window;
    plan.rate = options.rate / options.publishers;
    plan.pad_bytes = options.pad_bytes;
    plan.give_up = give_up;
    plan.stop = &shared.stop_publishing;
    asio::co_spawn(runtime.io(static_cast<std::size_t>(p)),
                   publisher(publish_target, p, plan, options.subscribers,
                             tallies[static_cast<std::size_t>(p)], shared),
                   asio::detached);
  }
  asio::co_spawn(runtime.io(0), controller(runtime, options, slots, shared), asio::detached);
  bool finished = runtime.run(
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(common.timeout_s)));

  LatencyHistogram latency;
  std::uint64_t delivered = 0, without_stamp = 0, bytes = 0, sent = 0, acked = 0, errors = 0;
  Clock::time_point first_send = Clock::time_point::max(), last_delivery{};
  std::string first_error;
  for (const auto& slot : slots) {
    latency.merge(slot->latency);
    delivered += slot->received;
    without_stamp += slot->without_stamp;
    bytes += slot->bytes;
    last_delivery = std::max(last_delivery, slot->last_delivery);
    if (first_error.empty()) first_error = slot->error;
  }
  for (const auto& tally : tallies) {
    sent += tally.sent;
    acked += tally.acknowledged;
    errors += tally.errors;
    if (tally.sent) first_send = std::min(first_send, tally.first_send);
  }
  std::uint64_t expected = acked * static_cast<std::uint64_t>(options.subscribers);
  double elapsed = (sent && delivered) ? seconds_between(first_send, last_delivery) : 0;
  JsonLine out;
  out.add("scenario", "fanout")
      .add("label", common.label)
      .add("format", options.format)
      .add("transport", options.tls_port > 0 ? "tls" : "plain")
      .add("subscribers", options.subscribers)
      .add("publishers", options.publishers)
      .add("events_sent", sent)
      .add("events_acknowledged", acked)
      .add("deliveries", delivered)
      .add("deliveries_expected", expected)
      .add("deliveries_missing", expected > delivered ? expected - delivered : 0)
      .add("subscribers_complete", shared.complete.load())
      .add("subscribers_failed", shared.failed.load())
      .add("elapsed_s", elapsed)
      .add("deliveries_per_s", elapsed > 0 ? static_cast<double>(delivered) / elapsed : 0.0)
      .add("events_per_s", elapsed > 0 ? static_cast<double>(acked) / elapsed : 0.0)
      .add("received_mb_per_s", elapsed > 0 ? static_cast<double>(bytes) / 1e6 / elapsed : 0.0)
      .add_latency("latency", latency)
      .add("publisher_errors", errors)
      .add("events_without_timestamp", without_stamp)
      .add("timed_out", !finished);
  if (!first_error.empty()) out.add("first_error", first_error);
  out.print();
  return finished && shared.failed.load() == 0 && errors == 0 ? 0 : 1;
}

}  // namespace es::bench
