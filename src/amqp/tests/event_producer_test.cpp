// A producer without a broker: the firing side's filter, bound and circuit breaker, on a
// simulated clock (nothing here needs RabbitMQ: the connection list points nowhere).
#include "amqp/event_producer.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "core/clock.hpp"

namespace es::amqp {
namespace {

constexpr std::string_view kProfileName = "producer-under-test";
constexpr std::string_view kNowhere = "nowhere";
constexpr std::string_view kLoopback = "127.0.0.1";

class ProducerWithoutBroker : public ::testing::Test {
 protected:
  ProducerWithoutBroker() {
    auto clock = std::make_unique<core::SimulatedClock>(1741083630000000);
    clock_ = clock.get();
    runtime_ = std::make_unique<core::Runtime>(std::move(clock));
  }

  std::shared_ptr<EventProducer> start(std::vector<EventSelector> events) {
    ProducerProfile profile;
    profile.name = std::string(kProfileName);
    BrokerEndpoint nowhere;
    nowhere.name = std::string(kNowhere);
    nowhere.hostname = std::string(kLoopback);
    nowhere.port = 1;  // nothing listens: the thread keeps reconnecting, never drains
    profile.connections.push_back(nowhere);
    profile.send_queue_size = 4;
    profile.circuit_breaker_ms = 500;
    profile.reconnect_interval_ms = 60000;
    profile.events = std::move(events);
    auto producer = std::make_shared<EventProducer>(profile, *runtime_);
    producer->start();
    return producer;
  }

  void fire(core::EventType type, std::string_view subclass = {}) {
    runtime_->bus().fire(runtime_->events().create(type, subclass));
  }

  core::SimulatedClock* clock_ = nullptr;
  std::unique_ptr<core::Runtime> runtime_;
};

TEST_F(ProducerWithoutBroker, QueueBoundThenBreakerDropsAndCounts) {
  auto producer = start({EventSelector{}});
  for (int i = 0; i < 4; ++i) fire(core::EventType::kCustom, "x::y");
  EXPECT_EQ(producer->queued(), 4u);
  EXPECT_EQ(producer->stats().dropped.load(), 0u);
  fire(core::EventType::kCustom, "x::y");  // full: dropped, breaker opens
  EXPECT_EQ(producer->stats().dropped.load(), 1u);
  clock_->advance_us(499000);
  fire(core::EventType::kHeartbeat);  // breaker still open
  EXPECT_EQ(producer->stats().dropped.load(), 2u);
  clock_->advance_us(2000);
  fire(core::EventType::kHeartbeat);  // breaker closed, queue still full: dropped again
  EXPECT_EQ(producer->stats().dropped.load(), 3u);
  EXPECT_EQ(producer->queued(), 4u);
  EXPECT_EQ(producer->stats().published.load(), 0u);
  producer->stop();
  // What never reached a broker is counted at the end.
  EXPECT_EQ(producer->stats().dropped.load(), 7u);
  EXPECT_EQ(producer->stats().state_text(), "STOPPED");
}

TEST_F(ProducerWithoutBroker, EventFilterTypesAndSubclasses) {
  auto producer = start({EventSelector{core::EventType::kChannelCreate, {}},
                         EventSelector{core::EventType::kCustom, "my::sub"}});
  fire(core::EventType::kChannelCreate);
  fire(core::EventType::kChannelDestroy);
  fire(core::EventType::kCustom, "my::sub");
  fire(core::EventType::kCustom, "other::sub");
  EXPECT_EQ(producer->queued(), 2u);
  EXPECT_EQ(producer->stats().dropped.load(), 0u);
}

}  // namespace
}  // namespace es::amqp
