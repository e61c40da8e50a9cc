#include "amqp/event_producer.hpp"

#include <chrono>

#include <fmt/format.h>

#include "amqp/routing_key.hpp"
#include "core/log_bus.hpp"
#include "protocol/frames.hpp"

namespace es::amqp {
namespace {

// How long the publishing thread waits for an event before it looks at the stop flag again
// (stop also wakes it at once by closing the queue).
constexpr std::chrono::milliseconds kIdleWait{1000};
// While events keep coming, how often the publishing thread reads what the broker sent.
constexpr std::int64_t kBusyCheckIntervalUs = 1000;
// A broker that stays away logs its first failed attempt and then one in this many.
constexpr std::uint64_t kReconnectLogEvery = 30;

// The JSON body from the event's cached json frame ("Content-Length...\n\n<json>"), so an
// event that socket clients also receive as JSON is serialized once for everyone.
std::string_view json_body(const core::FiredEvent& fired) {
  std::string_view frame = fired.frame(protocol::EventFormat::kJson);
  auto end_of_headers = frame.find("\n\n");
  return end_of_headers == std::string_view::npos ? frame : frame.substr(end_of_headers + 2);
}

amqp_bytes_t bytes_of(std::string_view text) {
  return amqp_bytes_t{text.size(), const_cast<char*>(text.data())};
}

}  // namespace

EventProducer::EventProducer(ProducerProfile profile, core::Runtime& runtime)
    : profile_(std::move(profile)),
      runtime_(runtime),
      queue_(static_cast<std::size_t>(profile_.send_queue_size)) {}

EventProducer::~EventProducer() {
  stop();
}

void EventProducer::start() {
  core::EventBus::Interest interest;
  for (const EventSelector& selector : profile_.events) {
    if (selector.type == core::EventType::kAll) {
      interest.set();
    } else {
      interest.set(static_cast<std::size_t>(selector.type));
    }
  }
  subscription_ = runtime_.bus().subscribe(weak_from_this());
  runtime_.bus().set_interest(*subscription_, interest);
  thread_ = std::thread([this] { run(); });
}

void EventProducer::stop() {
  if (subscription_) {
    runtime_.bus().unsubscribe(*subscription_);
    subscription_.reset();
  }
  stopping_.store(true);
  queue_.close();
  if (thread_.joinable()) thread_.join();
  stats_.set_state(LinkState::kStopped);
}

bool EventProducer::selected(const core::Event& event) const {
  for (const EventSelector& selector : profile_.events) {
    if (selector.type != core::EventType::kAll && selector.type != event.type()) continue;
    if (!selector.subclass.empty() && selector.subclass != event.subclass()) continue;
    return true;
  }
  return false;
}

void EventProducer::on_event(const core::FiredEventPtr& event) {
  if (!selected(event->event())) return;
  const std::int64_t now = runtime_.clock().now_monotonic_us();
  if (now < breaker_until_us_.load(std::memory_order_relaxed)) {
    stats_.dropped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (!queue_.try_push(event)) {
    stats_.dropped.fetch_add(1, std::memory_order_relaxed);
    breaker_until_us_.store(now + std::int64_t{profile_.circuit_breaker_ms} * 1000,
                            std::memory_order_relaxed);
    breaker_tripped_.store(true, std::memory_order_relaxed);
  }
}

bool EventProducer::ensure_connected() {
  if (link_.connected()) return true;
  stats_.set_state(LinkState::kConnecting);
  std::string error;
  if (link_.open(profile_.connections, "eventswitch", &error) &&
      link_.declare_exchange(profile_.exchange, profile_.exchange_type, profile_.exchange_durable,
                             &error)) {
    stats_.connects.fetch_add(1, std::memory_order_relaxed);
    stats_.set_state(LinkState::kConnected, link_.endpoint().name);
    failed_attempts_ = 0;
    ES_LOG(runtime_.log(), core::LogLevel::kInfo, "amqp profile {}: connected to {} ({}:{})",
           profile_.name, link_.endpoint().name, link_.endpoint().hostname, link_.endpoint().port);
    return true;
  }
  if (failed_attempts_++ % kReconnectLogEvery == 0) {
    ES_LOG(runtime_.log(), core::LogLevel::kWarning,
           "amqp profile {}: no broker reachable ({}), retrying every {} ms", profile_.name, error,
           profile_.reconnect_interval_ms);
  }
  return false;
}

bool EventProducer::publish(const core::FiredEvent& fired) {
  const std::string key = build_routing_key(profile_.format_fields, fired.event());
  std::string_view body = json_body(fired);

  amqp_basic_properties_t props{};
  props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG;
  props.content_type = bytes_of(profile_.content_type);
  if (profile_.delivery_mode > 0) {
    props._flags |= AMQP_BASIC_DELIVERY_MODE_FLAG;
    props.delivery_mode = static_cast<std::uint8_t>(profile_.delivery_mode);
  }
  amqp_table_entry_t headers[2]{};
  if (profile_.delivery_timestamp) {
    // As mod_amqp: the AMQP timestamp and a header in seconds, and one in microseconds.
    const auto now_us = static_cast<std::uint64_t>(runtime_.clock().now_epoch_us());
    props._flags |= AMQP_BASIC_TIMESTAMP_FLAG | AMQP_BASIC_HEADERS_FLAG;
    props.timestamp = now_us / 1000000;
    headers[0].key = amqp_cstring_bytes("x_Liquid_MessageSentTimeStamp");
    headers[0].value.kind = AMQP_FIELD_KIND_TIMESTAMP;
    headers[0].value.value.u64 = now_us / 1000000;
    headers[1].key = amqp_cstring_bytes("x_Liquid_MessageSentTimeStampMicro");
    // mod_amqp tags this one 'L' (unsigned), which common clients (amqplib) cannot decode;
    // the signed 'l' carries the same value and every client reads it (docs/amqp.md).
    headers[1].value.kind = AMQP_FIELD_KIND_I64;
    headers[1].value.value.i64 = static_cast<std::int64_t>(now_us);
    props.headers = amqp_table_t{2, headers};
  }
  int status = amqp_basic_publish(link_.state(), 1, bytes_of(profile_.exchange), bytes_of(key), 0,
                                  0, &props, bytes_of(body));
  if (status == AMQP_STATUS_OK) return true;
  ES_LOG(runtime_.log(), core::LogLevel::kWarning, "amqp profile {}: publishing on {} failed: {}",
         profile_.name, link_.endpoint().name, amqp_error_string2(status));
  link_.drop();
  return false;
}

void EventProducer::run() {
  // The event taken from the queue but not yet accepted by a broker: kept across reconnects.
  core::FiredEventPtr pending;
  std::int64_t last_check_us = 0;
  while (!stopping_.load()) {
    if (breaker_tripped_.exchange(false, std::memory_order_relaxed)) {
      ES_LOG(runtime_.log(), core::LogLevel::kWarning,
             "amqp profile {}: send queue full ({} events); events are dropped for {:.1f}s",
             profile_.name, queue_.capacity(), profile_.circuit_breaker_ms / 1000.0);
    }
    if (!ensure_connected()) {
      queue_.sleep_unless_closed(std::chrono::milliseconds(profile_.reconnect_interval_ms));
      continue;
    }
    bool was_idle = false;
    if (!pending) {
      auto next = queue_.try_pop();
      if (!next) {
        was_idle = true;
        next = queue_.pop_for(kIdleWait);
        if (!next) {
          // Idle: notice a closed connection, and keep heartbeats going.
          link_.still_open();
          continue;
        }
      }
      pending = std::move(*next);
    }
    // Reading what the broker sent costs a poll: done before the first publish after an idle
    // wait, and at most once a millisecond while busy, so a broker that closed is noticed
    // before we write into a dead connection (and lose what we wrote).
    const std::int64_t now = runtime_.clock().now_monotonic_us();
    if ((was_idle || now - last_check_us >= kBusyCheckIntervalUs) && !link_.still_open()) {
      ES_LOG(runtime_.log(), core::LogLevel::kWarning, "amqp profile {}: broker {} closed",
             profile_.name, link_.endpoint().name);
      continue;
    }
    if (was_idle || now - last_check_us >= kBusyCheckIntervalUs) last_check_us = now;
    if (publish(*pending)) {
      stats_.published.fetch_add(1, std::memory_order_relaxed);
      pending.reset();
    }
  }
  // What never reached a broker is lost with the profile: count it.
  std::uint64_t abandoned = pending ? 1 : 0;
  abandoned += queue_.size();
  stats_.dropped.fetch_add(abandoned, std::memory_order_relaxed);
  link_.close();
}

}  // namespace es::amqp
