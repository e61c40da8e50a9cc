#include "gateway/upstream_subscription.hpp"

#include <gtest/gtest.h>

namespace es::gateway {
namespace {

using core::EventType;
using namespace std::chrono_literals;

core::EventBus::Demand demand_of(std::initializer_list<EventType> types,
                                 std::vector<std::string> subclasses = {}) {
  core::EventBus::Demand demand;
  for (EventType type : types) demand.types.set(static_cast<std::size_t>(type));
  demand.subclasses = std::move(subclasses);
  return demand;
}

TEST(UpstreamSubscription, UnionAddsTheGatewaysOwnNeeds) {
  EventSet wanted =
      wanted_upstream(demand_of({EventType::kChannelAnswer}), SubscriptionMode::kUnion);
  EXPECT_FALSE(wanted.all);
  EXPECT_EQ(wanted.words(), "CHANNEL_CREATE CHANNEL_DESTROY CHANNEL_ANSWER BACKGROUND_JOB");
  wanted = wanted_upstream(demand_of({EventType::kCustom}, {"sofia::register"}),
                           SubscriptionMode::kUnion);
  EXPECT_EQ(wanted.words(), "CHANNEL_CREATE CHANNEL_DESTROY BACKGROUND_JOB CUSTOM sofia::register");
  EXPECT_EQ(wanted.size(), 5u);
}

TEST(UpstreamSubscription, GatewayNeedsByName) {
  for (std::string_view name : {"BACKGROUND_JOB", "CHANNEL_CREATE", "CHANNEL_DESTROY"}) {
    auto type = gateway_need_named(name);
    ASSERT_TRUE(type) << name;
    EXPECT_TRUE(gateway_needs().test(static_cast<std::size_t>(*type)));
    EXPECT_EQ(core::event_type_name(*type), name);
  }
  EXPECT_EQ(gateway_needs().count(), 3u);
  EXPECT_FALSE(gateway_need_named("CHANNEL_ANSWER"));
}

TEST(UpstreamSubscription, AllWhenConfiguredOrWhenSomeoneTakesEverything) {
  EXPECT_TRUE(wanted_upstream(demand_of({}), SubscriptionMode::kAll).all);
  EXPECT_TRUE(wanted_upstream(demand_of({EventType::kAll}), SubscriptionMode::kUnion).all);
  core::EventBus::Demand any = demand_of({EventType::kCustom});
  any.any_subclass = true;
  EXPECT_TRUE(wanted_upstream(any, SubscriptionMode::kUnion).all);
  std::vector<std::string> many;
  for (std::size_t i = 0; i <= kMaxUpstreamSubclasses; ++i)
    many.push_back(std::to_string(i) + "::s");
  EXPECT_TRUE(wanted_upstream(demand_of({EventType::kCustom}, many), SubscriptionMode::kUnion).all);
}

TEST(UpstreamSubscription, StepAddsWhatIsMissingAndRemovesOnlyWhatIsRemovable) {
  EventSet current = wanted_upstream(
      demand_of({EventType::kHeartbeat, EventType::kCustom}, {"a", "b"}), SubscriptionMode::kUnion);
  EventSet wanted =
      wanted_upstream(demand_of({EventType::kChannelAnswer, EventType::kCustom}, {"a", "c"}),
                      SubscriptionMode::kUnion);
  SubscriptionStep step = plan_step(current, wanted, EventSet{});
  EXPECT_EQ(step.add, "CHANNEL_ANSWER CUSTOM c");
  EXPECT_EQ(step.remove, "");
  EXPECT_EQ(step.after.words(),
            "CHANNEL_CREATE CHANNEL_DESTROY CHANNEL_ANSWER BACKGROUND_JOB HEARTBEAT CUSTOM a b c");
  SubscriptionStep again = plan_step(step.after, wanted, step.after);
  EXPECT_EQ(again.add, "");
  EXPECT_EQ(again.remove, "HEARTBEAT CUSTOM b");
  EXPECT_EQ(again.after, wanted);
}

TEST(UpstreamSubscription, CustomStaysOnceSubscribed) {
  EventSet current =
      wanted_upstream(demand_of({EventType::kCustom}, {"a"}), SubscriptionMode::kUnion);
  EventSet wanted = wanted_upstream(demand_of({}), SubscriptionMode::kUnion);
  SubscriptionStep step = plan_step(current, wanted, current);
  EXPECT_EQ(step.remove, "CUSTOM a");
  EXPECT_EQ(step.after.words(), "CHANNEL_CREATE CHANNEL_DESTROY BACKGROUND_JOB CUSTOM");
}

TEST(UpstreamSubscription, LeavingAllNixesEveryTypeNotWanted) {
  EventSet all;
  all.all = true;
  EventSet wanted = wanted_upstream(demand_of({EventType::kHeartbeat}), SubscriptionMode::kUnion);
  EXPECT_EQ(plan_step(wanted, all, EventSet{}).add, "ALL");
  SubscriptionStep kept = plan_step(all, wanted, EventSet{});
  EXPECT_TRUE(kept.add.empty() && kept.remove.empty());
  EXPECT_TRUE(kept.after.all);
  SubscriptionStep left = plan_step(all, wanted, all);
  EXPECT_TRUE(left.add.empty());
  const std::string words = " " + left.remove + " ";
  EXPECT_NE(words.find(" CHANNEL_ANSWER "), std::string::npos);
  EXPECT_NE(words.find(" SESSION_HEARTBEAT "), std::string::npos);
  EXPECT_EQ(words.find(" HEARTBEAT "), std::string::npos);
  EXPECT_EQ(words.find(" CHANNEL_CREATE "), std::string::npos);
  EXPECT_EQ(words.find(" CUSTOM "), std::string::npos);
  EXPECT_EQ(words.find(" ALL "), std::string::npos);
  EventSet expected = wanted;
  expected.types.set(static_cast<std::size_t>(EventType::kCustom));
  EXPECT_EQ(left.after, expected);
}

TEST(UpstreamSubscription, SurplusIsRemovableOnlyAfterTheDelay) {
  SurplusClock clock;
  EventSet current = wanted_upstream(demand_of({EventType::kHeartbeat, EventType::kCustom}, {"a"}),
                                     SubscriptionMode::kUnion);
  EventSet wanted = wanted_upstream(demand_of({}), SubscriptionMode::kUnion);
  const auto t0 = SurplusClock::Clock::time_point{} + 1h;
  EXPECT_EQ(clock.removable(current, wanted, t0, 5s), EventSet{});
  EXPECT_TRUE(clock.pending());
  EXPECT_EQ(clock.removable(current, wanted, t0 + 4s, 5s), EventSet{});
  EventSet due = clock.removable(current, wanted, t0 + 5s, 5s);
  EXPECT_EQ(due.words(), "HEARTBEAT CUSTOM a");
  // Wanted again: the clock starts over.
  EXPECT_EQ(clock.removable(current, current, t0 + 6s, 5s), EventSet{});
  EXPECT_FALSE(clock.pending());
  EXPECT_EQ(clock.removable(current, wanted, t0 + 7s, 5s), EventSet{});
  EXPECT_EQ(clock.removable(current, wanted, t0 + 11s, 5s), EventSet{});
  EXPECT_EQ(clock.removable(current, wanted, t0 + 12s, 5s).words(), "HEARTBEAT CUSTOM a");
}

}  // namespace
}  // namespace es::gateway
