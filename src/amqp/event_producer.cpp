#include "amqp/event_producer.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <deque>

#include <fmt/format.h>

#include "amqp/routing_key.hpp"
#include "core/log_bus.hpp"
#include "protocol/frames.hpp"

namespace es::amqp {
namespace {

// How long the publishing thread waits for an event before it looks at the stop flag again
// (stop also wakes it at once by closing the queue).
constexpr std::chrono::milliseconds kIdleWait{1000};
// Niceness of the publishing thread (Linux: per thread).
constexpr int kPublisherNice = 10;
// While events keep coming, how often the publishing thread reads what the broker sent.
constexpr std::int64_t kBusyCheckIntervalUs = 1000;
// Events published and not yet confirmed, at most (the thread reads confirms while full).
constexpr std::size_t kMaxUnconfirmed = 4096;
// A full confirm window with no word from the broker for this long: the connection is
// treated as dead (reconnect, send the unconfirmed events again).
constexpr long kConfirmTimeoutS = 30;
// While confirms are outstanding and no event comes, how soon the thread reads them.
constexpr std::chrono::milliseconds kConfirmPoll{5};
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
      queue_(static_cast<std::size_t>(profile_.send_queue_size)),
      window_(kMaxUnconfirmed) {}

EventProducer::~EventProducer() {
  stop();
}

void EventProducer::start() {
  core::EventBus::Interest interest;
  // The CUSTOM subclasses named (a gateway asks its upstreams for those only); any CUSTOM
  // selector without one takes every subclass.
  std::vector<std::string> subclasses;
  bool any_subclass = false;
  for (const EventSelector& selector : profile_.events) {
    if (selector.type == core::EventType::kAll) {
      interest.set();
      any_subclass = true;
    } else {
      interest.set(static_cast<std::size_t>(selector.type));
    }
    if (selector.type == core::EventType::kCustom) {
      if (selector.subclass.empty())
        any_subclass = true;
      else
        subclasses.push_back(selector.subclass);
    }
  }
  core::EventBus::Subclasses wanted_subclasses;
  if (!any_subclass) wanted_subclasses = std::move(subclasses);
  subscription_ = runtime_.bus().subscribe(weak_from_this(), interest, wanted_subclasses);
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
                             &error) &&
      (!profile_.publisher_confirms || link_.enable_confirms(&error))) {
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
  return false;
}

bool EventProducer::service_broker(bool wait) {
  if (!wait && link_.endpoint().heartbeat_s == 0 && !link_.input_pending()) return true;
  amqp_connection_state_t state = link_.state();
  // Decoded frames live in the connection's pool until released; nothing decoded is kept
  // between calls, so each call starts by handing the pool back.
  amqp_maybe_release_buffers(state);
  for (;;) {
    timeval timeout{wait ? kConfirmTimeoutS : 0, 0};
    amqp_frame_t frame{};
    int status = amqp_simple_wait_frame_noblock(state, &frame, &timeout);
    if (status == AMQP_STATUS_TIMEOUT) return !wait;
    if (status != AMQP_STATUS_OK) return false;
    if (frame.frame_type == AMQP_FRAME_METHOD) {
      const amqp_method_number_t method = frame.payload.method.id;
      if (method == AMQP_CONNECTION_CLOSE_METHOD || method == AMQP_CHANNEL_CLOSE_METHOD) {
        return false;
      }
      ConfirmWindow::Settled settled;
      if (method == AMQP_BASIC_ACK_METHOD) {
        const auto* ack = static_cast<const amqp_basic_ack_t*>(frame.payload.method.decoded);
        settled = window_.ack(ack->delivery_tag, ack->multiple != 0);
      } else if (method == AMQP_BASIC_NACK_METHOD) {
        const auto* nack = static_cast<const amqp_basic_nack_t*>(frame.payload.method.decoded);
        settled = window_.nack(nack->delivery_tag, nack->multiple != 0);
      }
      stats_.published.fetch_add(settled.confirmed, std::memory_order_relaxed);
      if (settled.refused > 0) {
        // The broker could not take them (an internal error of a queue): counted as lost.
        stats_.dropped.fetch_add(settled.refused, std::memory_order_relaxed);
        ES_LOG(runtime_.log(), core::LogLevel::kWarning,
               "amqp profile {}: the broker refused {} event(s)", profile_.name, settled.refused);
      }
    }
    wait = false;  // something arrived: read the rest without waiting
    if (amqp_frames_enqueued(state) == 0 && amqp_data_in_buffer(state) == 0) return true;
  }
}

void EventProducer::run() {
  // Calls and the event socket come first: under CPU contention this thread falls behind and
  // its bounded queue absorbs the burst, instead of taking cores from the event loops.
  setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), kPublisherNice);
  // Events taken from the queue that no broker has confirmed yet, oldest first, after a lost
  // connection; they go out before anything newer.
  std::deque<core::FiredEventPtr> resend;
  std::int64_t last_check_us = 0;
  auto connection_lost = [&] {
    auto unconfirmed = window_.take_all();
    resend.insert(resend.begin(), unconfirmed.begin(), unconfirmed.end());
    link_.drop();
    ES_LOG(runtime_.log(), core::LogLevel::kWarning,
           "amqp profile {}: connection to {} lost; {} event(s) to send again", profile_.name,
           link_.endpoint().name, resend.size());
  };
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
    const bool window_full = window_.full();
    bool was_idle = false;
    core::FiredEventPtr next;
    if (!window_full) {
      if (!resend.empty()) {
        next = std::move(resend.front());
        resend.pop_front();
      } else if (auto item = queue_.try_pop()) {
        next = std::move(*item);
      } else {
        was_idle = true;
        if (auto waited = queue_.pop_for(window_.empty() ? kIdleWait : kConfirmPoll)) {
          next = std::move(*waited);
        }
      }
    }
    // The broker's side (confirms, a close, heartbeats) costs a poll: read after an idle
    // wait, when the window is full, and at most once a millisecond while busy, so a broker
    // that closed is noticed before we write much into a dead connection.
    const std::int64_t now = runtime_.clock().now_monotonic_us();
    if (window_full || was_idle || now - last_check_us >= kBusyCheckIntervalUs) {
      last_check_us = now;
      if (!service_broker(window_full)) {
        if (next) resend.push_front(std::move(next));
        connection_lost();
        continue;
      }
    }
    if (!next) continue;
    if (!publish(*next)) {
      resend.push_front(std::move(next));
      connection_lost();
      continue;
    }
    if (profile_.publisher_confirms) {
      window_.sent(std::move(next));
    } else {
      stats_.published.fetch_add(1, std::memory_order_relaxed);
    }
  }
  // What no broker confirmed is lost with the profile: count it.
  stats_.dropped.fetch_add(resend.size() + window_.size() + queue_.size(),
                           std::memory_order_relaxed);
  link_.close();
}

}  // namespace es::amqp
