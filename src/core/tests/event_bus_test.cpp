#include "core/event_bus.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/event_serializer.hpp"
#include "protocol/frames.hpp"

namespace es::core {
namespace {

using protocol::EventFormat;

// Records what it receives; also asks for every frame, as a listener would.
class RecordingSubscriber : public EventSubscriber {
 public:
  using EventSubscriber::on_event;
  void on_event(const FiredEventPtr& event) override {
    received.push_back(event);
    for (EventFormat format : {EventFormat::kPlain, EventFormat::kJson, EventFormat::kXml}) {
      frame_data[static_cast<int>(format)].push_back(event->frame(format).data());
    }
  }
  std::vector<FiredEventPtr> received;
  std::vector<const char*> frame_data[protocol::kEventFormatCount];
};

Event numbered_event(int number) {
  Event event(EventType::kCustom, "test::order");
  event.add_header("Number", std::to_string(number));
  return event;
}

TEST(EventBus, DeliversToEverySubscriberAndSerializesEachFormatOnce) {
  EventBus bus;
  std::vector<std::shared_ptr<RecordingSubscriber>> subscribers;
  for (int i = 0; i < 100; ++i) {
    subscribers.push_back(std::make_shared<RecordingSubscriber>());
    bus.subscribe(subscribers.back());
  }
  Event event(EventType::kHeartbeat);
  event.add_header("Event-Name", "HEARTBEAT");
  event.set_body("b");
  const FiredEventPtr fired = bus.fire(std::move(event));
  EXPECT_EQ(bus.fired_count(), 1u);
  for (const auto& subscriber : subscribers) {
    ASSERT_EQ(subscriber->received.size(), 1u);
    EXPECT_EQ(subscriber->received[0], fired);
    for (int format = 0; format < protocol::kEventFormatCount; ++format) {
      ASSERT_EQ(subscriber->frame_data[format].size(), 1u);
      // Same buffer for everyone: the frame was built once.
      EXPECT_EQ(subscriber->frame_data[format][0], subscribers[0]->frame_data[format][0]);
    }
  }
}

TEST(FiredEvent, FrameEqualsSerializationInEventFrame) {
  Event event(EventType::kApi);
  event.add_header("A", "x y");
  event.set_body("z");
  const FiredEvent fired(event);
  for (EventFormat format : {EventFormat::kPlain, EventFormat::kJson, EventFormat::kXml}) {
    std::string serialized;
    serialize(event, format, serialized);
    EXPECT_EQ(fired.frame(format), protocol::event_frame(format, serialized));
    EXPECT_EQ(fired.frame(format).data(), fired.frame(format).data());
  }
}

TEST(FiredEvent, ConcurrentFirstRequestsShareOneFrame) {
  Event event(EventType::kApi);
  event.add_header("A", "1");
  const FiredEvent fired(event);
  std::vector<const char*> seen(4);
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] { seen[i] = fired.frame(EventFormat::kJson).data(); });
  }
  for (auto& thread : threads) thread.join();
  for (const char* data : seen) EXPECT_EQ(data, seen[0]);
}

// FreeSWITCH fires a CUSTOM sendevent as built (Command first, Event-Subclass after Event-UUID;
// mod_amqp serializes that) and hands socket listeners a copy with Event-Subclass first.
TEST(EventBus, FireKeepsTheOrderAndSocketFramesCarryTheSubclassFirst) {
  EventBus bus;
  auto subscriber = std::make_shared<RecordingSubscriber>();
  bus.subscribe(subscriber);
  Event event(EventType::kCustom);
  event.add_header("Command", "sendevent CUSTOM");
  event.add_header("Event-Subclass", "es::x");
  event.add_header("Event-UUID", "u");
  event.set_subclass("es::x");
  bus.fire(std::move(event));
  ASSERT_EQ(subscriber->received.size(), 1u);
  const auto& headers = subscriber->received[0]->event().headers();
  ASSERT_EQ(headers.size(), 3u);
  EXPECT_EQ(headers[0].name, "Command");
  EXPECT_EQ(headers[1].name, "Event-UUID");
  EXPECT_EQ(headers[2].name, "Event-Subclass");
  std::string_view frame = subscriber->received[0]->frame(protocol::EventFormat::kPlain);
  EXPECT_NE(
      frame.find("\n\nEvent-Subclass: es%3A%3Ax\nCommand: sendevent%20CUSTOM\nEvent-UUID: u\n"),
      std::string_view::npos)
      << frame;
  // A diverted event goes out as queued.
  FiredEvent as_fired(subscriber->received[0]->event(), FrameOrder::kAsFired);
  EXPECT_NE(
      as_fired.frame(protocol::EventFormat::kPlain)
          .find("\n\nCommand: sendevent%20CUSTOM\nEvent-UUID: u\nEvent-Subclass: es%3A%3Ax\n"),
      std::string_view::npos);
}

TEST(EventBus, UnsubscribeStopsDelivery) {
  EventBus bus;
  auto kept = std::make_shared<RecordingSubscriber>();
  auto dropped = std::make_shared<RecordingSubscriber>();
  bus.subscribe(kept);
  const auto id = bus.subscribe(dropped);
  EXPECT_EQ(bus.subscriber_count(), 2u);
  bus.unsubscribe(id);
  EXPECT_EQ(bus.subscriber_count(), 1u);
  bus.fire(numbered_event(1));
  EXPECT_EQ(kept->received.size(), 1u);
  EXPECT_TRUE(dropped->received.empty());
}

TEST(EventBus, DestroyedSubscribersArePruned) {
  EventBus bus;
  auto kept = std::make_shared<RecordingSubscriber>();
  bus.subscribe(kept);
  {
    auto temporary = std::make_shared<RecordingSubscriber>();
    bus.subscribe(temporary);
  }
  EXPECT_EQ(bus.subscriber_count(), 2u);
  bus.fire(numbered_event(1));
  EXPECT_EQ(bus.subscriber_count(), 1u);
  EXPECT_EQ(kept->received.size(), 1u);
}

TEST(EventBus, ConcurrentFiringGivesEverySubscriberTheSameOrder) {
  EventBus bus;
  std::vector<std::shared_ptr<RecordingSubscriber>> subscribers;
  for (int i = 0; i < 8; ++i) {
    subscribers.push_back(std::make_shared<RecordingSubscriber>());
    bus.subscribe(subscribers.back());
  }
  constexpr int kThreads = 4;
  constexpr int kPerThread = 200;
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      for (int i = 0; i < kPerThread; ++i) bus.fire(numbered_event(t * kPerThread + i));
    });
  }
  go.store(true);
  for (auto& thread : threads) thread.join();

  EXPECT_EQ(bus.fired_count(), static_cast<std::uint64_t>(kThreads * kPerThread));
  const auto& reference = subscribers[0]->received;
  ASSERT_EQ(reference.size(), static_cast<std::size_t>(kThreads * kPerThread));
  for (const auto& subscriber : subscribers) {
    ASSERT_EQ(subscriber->received.size(), reference.size());
    for (std::size_t i = 0; i < reference.size(); ++i) {
      ASSERT_EQ(subscriber->received[i], reference[i]) << "position " << i;
    }
  }
  // Each thread's own events stay in the order it fired them.
  std::vector<int> last_seen(kThreads, -1);
  for (const auto& fired : reference) {
    const int number = std::stoi(*fired->event().header("Number"));
    const int thread = number / kPerThread;
    EXPECT_GT(number, last_seen[thread]);
    last_seen[thread] = number;
  }
}

// Answers precheck with 100 + the event's Number and records the tokens delivered back.
class PrecheckingSubscriber : public EventSubscriber {
 public:
  using EventSubscriber::on_event;
  std::uint64_t precheck(const FiredEvent& fired) override {
    if (!started_other.exchange(true) && during_first_precheck) during_first_precheck();
    return 100 + static_cast<std::uint64_t>(std::stoi(*fired.event().header("Number")));
  }
  void on_event(const FiredEventPtr&) override { tokens.push_back(0); }
  void on_event(const FiredEventPtr&, std::uint64_t token) override { tokens.push_back(token); }
  std::function<void()> during_first_precheck;
  std::atomic<bool> started_other{false};
  std::vector<std::uint64_t> tokens;  // written under the bus's dispatch lock
};

class CountingSubscriber : public EventSubscriber {
 public:
  using EventSubscriber::on_event;
  void on_event(const FiredEventPtr&) override { ++count; }
  std::atomic<int> count{0};
};

TEST(EventBusPrecheck, RunsOutsideTheDispatchLockAndHandsItsTokenToDelivery) {
  EventBus bus;
  auto checking = std::make_shared<PrecheckingSubscriber>();
  auto counting = std::make_shared<CountingSubscriber>();
  auto id = bus.subscribe(checking);
  bus.subscribe(counting);
  checking->started_other = true;  // no side trip for this one
  bus.fire(numbered_event(1));     // not marked: plain delivery
  bus.set_precheck(id, true);
  bus.fire(numbered_event(2));
  ASSERT_EQ(checking->tokens, (std::vector<std::uint64_t>{0, 102}));

  // While the first precheck of event 3 runs, another thread fires event 4 and it reaches
  // every subscriber: the dispatch lock is not held during a precheck.
  checking->started_other = false;
  std::thread other;
  bool other_delivered = false;
  checking->during_first_precheck = [&] {
    other = std::thread([&] { bus.fire(numbered_event(4)); });
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (counting->count < 3 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    other_delivered = counting->count == 3;
  };
  bus.fire(numbered_event(3));
  other.join();
  EXPECT_TRUE(other_delivered);
  EXPECT_EQ(checking->tokens, (std::vector<std::uint64_t>{0, 102, 104, 103}));

  // Unmarked again: no precheck, plain delivery.
  bus.set_precheck(id, false);
  bus.fire(numbered_event(5));
  EXPECT_EQ(checking->tokens.back(), 0u);
}

TEST(EventBusInterest, WantsFollowsTheSubscribersInterest) {
  EventBus bus;
  EXPECT_FALSE(bus.wants(EventType::kChannelState));  // nobody listens
  auto a = std::make_shared<RecordingSubscriber>();
  auto id = bus.subscribe(a);
  EXPECT_TRUE(bus.wants(EventType::kChannelState));  // a new subscriber takes everything
  EventBus::Interest only_heartbeat;
  only_heartbeat.set(static_cast<std::size_t>(EventType::kHeartbeat));
  bus.set_interest(id, only_heartbeat);
  EXPECT_TRUE(bus.wants(EventType::kHeartbeat));
  EXPECT_FALSE(bus.wants(EventType::kChannelState));
  auto b = std::make_shared<RecordingSubscriber>();
  auto id_b = bus.subscribe(b);
  EXPECT_TRUE(bus.wants(EventType::kChannelState));
  bus.unsubscribe(id_b);
  EXPECT_FALSE(bus.wants(EventType::kChannelState));
  bus.set_interest(id, {});
  EXPECT_FALSE(bus.wants(EventType::kHeartbeat));
}

Event channel_event(EventType type, const std::string& uuid) {
  Event event(type);
  event.add_header("Unique-ID", uuid);
  return event;
}

TEST(EventBusInterest, SubscribersGetOnlyTheTypesTheyAreInterestedIn) {
  EventBus bus;
  auto a = std::make_shared<RecordingSubscriber>();
  auto id = bus.subscribe(a);
  EventBus::Interest only_answer;
  only_answer.set(static_cast<std::size_t>(EventType::kChannelAnswer));
  bus.set_interest(id, only_answer);
  bus.fire(channel_event(EventType::kChannelCreate, "u1"));
  bus.fire(channel_event(EventType::kChannelAnswer, "u1"));
  ASSERT_EQ(a->received.size(), 1u);
  EXPECT_EQ(a->received[0]->event().type(), EventType::kChannelAnswer);
}

TEST(EventBusScope, AScopedSubscriberGetsOnlyItsSessionsEventsAndJobs) {
  EventBus bus;
  auto everyone = std::make_shared<RecordingSubscriber>();
  auto mine = std::make_shared<RecordingSubscriber>();
  auto other = std::make_shared<RecordingSubscriber>();
  bus.subscribe(everyone);
  auto mine_id = bus.subscribe(mine);
  auto other_id = bus.subscribe(other);
  bus.set_scope(mine_id, "u1");
  bus.set_scope(other_id, "u2");
  EXPECT_EQ(bus.subscriber_count(), 3u);

  bus.fire(channel_event(EventType::kChannelAnswer, "u1"));
  bus.fire(channel_event(EventType::kChannelAnswer, "u3"));
  Event job(EventType::kBackgroundJob);
  job.add_header("Job-Owner-UUID", "u1");
  bus.fire(std::move(job));
  Event no_uuid(EventType::kHeartbeat);
  bus.fire(std::move(no_uuid));

  EXPECT_EQ(everyone->received.size(), 4u);
  ASSERT_EQ(mine->received.size(), 2u);
  EXPECT_EQ(*mine->received[0]->event().header("Unique-ID"), "u1");
  EXPECT_EQ(*mine->received[1]->event().header("Job-Owner-UUID"), "u1");
  EXPECT_TRUE(other->received.empty());

  // An event naming the session both ways reaches it once.
  Event both = channel_event(EventType::kChannelAnswer, "u2");
  both.add_header("Job-Owner-UUID", "u2");
  bus.fire(std::move(both));
  EXPECT_EQ(other->received.size(), 1u);

  // Lifting the scope brings every event back; the scope follows interest changes.
  bus.set_scope(mine_id, "");
  bus.fire(channel_event(EventType::kChannelAnswer, "u9"));
  EXPECT_EQ(mine->received.size(), 3u);
  bus.set_interest(other_id, {});
  EXPECT_TRUE(bus.wants(EventType::kChannelAnswer));  // the others still want it
  bus.unsubscribe(other_id);
  EXPECT_EQ(bus.subscriber_count(), 2u);
}

TEST(EventBusScope, DestroyedScopedSubscribersArePruned) {
  EventBus bus;
  {
    auto temporary = std::make_shared<RecordingSubscriber>();
    auto id = bus.subscribe(temporary);
    bus.set_scope(id, "u1");
  }
  EXPECT_EQ(bus.subscriber_count(), 1u);
  bus.fire(channel_event(EventType::kChannelAnswer, "u1"));
  EXPECT_EQ(bus.subscriber_count(), 0u);
  EXPECT_FALSE(bus.wants(EventType::kChannelAnswer));
}

TEST(EventBus, DemandIsTheUnionOfInterestsAndSubclasses) {
  EventBus bus;
  auto a = std::make_shared<RecordingSubscriber>();
  auto b = std::make_shared<RecordingSubscriber>();
  EventBus::Interest answer;
  answer.set(static_cast<std::size_t>(EventType::kChannelAnswer));
  const std::uint64_t before = bus.demand_generation();
  const auto id_a = bus.subscribe(a, answer, std::vector<std::string>{});
  EXPECT_GT(bus.demand_generation(), before);
  EventBus::Interest custom;
  custom.set(static_cast<std::size_t>(EventType::kCustom));
  const auto id_b = bus.subscribe(b, custom, std::vector<std::string>{"y::b", "x::a"});
  EventBus::Demand demand = bus.demand();
  EXPECT_EQ(demand.types, answer | custom);  // never every type in between
  EXPECT_FALSE(demand.any_subclass);
  EXPECT_EQ(demand.subclasses, (std::vector<std::string>{"x::a", "y::b"}));
  bus.set_interest(id_a, custom);  // no subclass list: CUSTOM of every subclass
  EXPECT_TRUE(bus.demand().any_subclass);
  bus.unsubscribe(id_a);
  bus.unsubscribe(id_b);
  demand = bus.demand();
  EXPECT_TRUE(demand.types.none());
  EXPECT_TRUE(demand.subclasses.empty());
}

}  // namespace
}  // namespace es::core
