// A producers profile: an event-bus subscriber whose on_event only queues the shared event
// (bounded, with mod_amqp's circuit breaker), and one thread that builds each routing key and
// JSON body and publishes them through rabbitmq-c, reconnecting across the profile's
// connections when the broker goes away.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <thread>

#include "amqp/amqp_config.hpp"
#include "amqp/bounded_queue.hpp"
#include "amqp/broker_link.hpp"
#include "amqp/confirm_window.hpp"
#include "amqp/profile_stats.hpp"
#include "core/event_bus.hpp"
#include "core/runtime.hpp"

namespace es::amqp {

class EventProducer final : public core::EventSubscriber,
                            public std::enable_shared_from_this<EventProducer> {
 public:
  EventProducer(ProducerProfile profile, core::Runtime& runtime);
  ~EventProducer() override;
  EventProducer(const EventProducer&) = delete;
  EventProducer& operator=(const EventProducer&) = delete;

  // Subscribes to the bus (weakly: the producer must be owned by a shared_ptr) and starts the
  // publishing thread.
  void start();
  // Unsubscribes, stops the thread (an unsent event is abandoned and counted dropped).
  void stop();

  // Firing thread: filter, circuit breaker, try_push. Never waits.
  using core::EventSubscriber::on_event;
  void on_event(const core::FiredEventPtr& event) override;

  const ProducerProfile& profile() const { return profile_; }
  const ProfileStats& stats() const { return stats_; }
  std::size_t queued() const { return queue_.size(); }

 private:
  bool selected(const core::Event& event) const;
  void run();
  bool ensure_connected();
  bool publish(const core::FiredEvent& fired);
  // Reads what the broker sent (confirms, a close, heartbeats); with `wait`, waits for it
  // (bounded), as when the confirm window is full. False when the connection is gone.
  bool service_broker(bool wait);

  const ProducerProfile profile_;
  core::Runtime& runtime_;
  BoundedQueue<core::FiredEventPtr> queue_;
  ProfileStats stats_;
  // Monotonic microseconds until which events are dropped after the queue was found full.
  std::atomic<std::int64_t> breaker_until_us_{0};
  // Set by the firing thread when it trips the breaker; the publishing thread logs it, so no
  // log line is written under the bus's dispatch lock.
  std::atomic<bool> breaker_tripped_{false};
  std::atomic<bool> stopping_{false};
  std::optional<core::EventBus::SubscriptionId> subscription_;
  BrokerLink link_;
  ConfirmWindow window_;               // publishing thread only
  std::uint64_t failed_attempts_ = 0;  // publishing thread only
  std::thread thread_;
};

}  // namespace es::amqp
