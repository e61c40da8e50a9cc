// EventSubscription on its own: what `event`, `nixevent`, `noevents`, `myevents` and
// esl-allowed-events make it accept, and what it tells the bus.
#include "eventsocket/event_subscription.hpp"

#include <gtest/gtest.h>

namespace es::eventsocket {
namespace {

using Change = EventSubscription::Change;
using core::EventType;

core::Event event_of(EventType type, std::string_view uuid = "u1") {
  core::Event event(type);
  if (!uuid.empty()) event.add_header("Unique-ID", uuid);
  return event;
}

core::Event custom_event(std::string_view subclass) {
  core::Event event(EventType::kCustom);
  event.set_subclass(std::string(subclass));
  return event;
}

TEST(EventSubscription, OffAcceptsNothingAndTellsTheBusNothing) {
  EventSubscription subscription;
  EXPECT_FALSE(subscription.on());
  EXPECT_FALSE(subscription.accepts(event_of(EventType::kHeartbeat)));
  EXPECT_TRUE(subscription.interest().none());
}

TEST(EventSubscription, EventTakesAFormatThenTypes) {
  EventSubscription subscription;
  EXPECT_EQ(subscription.add_events({"json", "HEARTBEAT", "CHANNEL_ANSWER"}, 8), Change::kApplied);
  EXPECT_EQ(subscription.format(), protocol::EventFormat::kJson);
  EXPECT_TRUE(subscription.accepts(event_of(EventType::kHeartbeat)));
  EXPECT_TRUE(subscription.accepts(event_of(EventType::kChannelAnswer)));
  EXPECT_FALSE(subscription.accepts(event_of(EventType::kChannelHangup)));
  EXPECT_EQ(subscription.describe(), "CHANNEL_ANSWER HEARTBEAT");
  EXPECT_TRUE(subscription.interest().test(static_cast<std::size_t>(EventType::kHeartbeat)));
}

// `json-numeric` (docs/event-formats.md §4.5): JSON with numbers; a later format word resets
// it, no format word keeps it, and json-numeric-headers makes plain `json` mean it.
TEST(EventSubscription, JsonNumericIsAFormatWordOfItsOwn) {
  EventSubscription subscription;
  EXPECT_EQ(subscription.add_events({"JSON-NUMERIC", "HEARTBEAT"}, 8), Change::kApplied);
  EXPECT_EQ(subscription.format(), protocol::EventFormat::kJson);
  EXPECT_EQ(subscription.json_values(), core::JsonValues::kNumbers);
  EXPECT_EQ(subscription.format_word(), "json-numeric");
  EXPECT_EQ(subscription.add_events({"CHANNEL_ANSWER"}, 8), Change::kApplied);
  EXPECT_EQ(subscription.format_word(), "json-numeric");
  EXPECT_EQ(subscription.add_events({"json", "HEARTBEAT"}, 8), Change::kApplied);
  EXPECT_EQ(subscription.json_values(), core::JsonValues::kStrings);
  EXPECT_EQ(subscription.format_word(), "json");
  // Only as the first word: later it is a word that names no type.
  EXPECT_EQ(subscription.add_events({"plain", "json-numeric"}, 8), Change::kNoKeywords);
  EXPECT_EQ(subscription.format_word(), "plain");

  EventSubscription by_default;
  by_default.set_json_default(core::JsonValues::kNumbers);
  EXPECT_EQ(by_default.add_events({"json", "HEARTBEAT"}, 8), Change::kApplied);
  EXPECT_EQ(by_default.format_word(), "json-numeric");
  EXPECT_EQ(by_default.add_events({"xml", "HEARTBEAT"}, 8), Change::kApplied);
  EXPECT_EQ(by_default.format_word(), "xml");
}

TEST(EventSubscription, WordsThatNameNoTypeAreNoKeywords) {
  EventSubscription subscription;
  EXPECT_EQ(subscription.add_events({"plain", "NOT_A_TYPE"}, 8), Change::kNoKeywords);
  EXPECT_FALSE(subscription.on());
}

TEST(EventSubscription, CustomTakesSubclassesUpToTheBound) {
  EventSubscription subscription;
  EXPECT_EQ(subscription.add_events({"CUSTOM", "a::one", "a::two"}, 2), Change::kApplied);
  EXPECT_TRUE(subscription.accepts(custom_event("a::one")));
  EXPECT_FALSE(subscription.accepts(custom_event("a::three")));
  EXPECT_EQ(subscription.add_events({"CUSTOM", "a::three"}, 2), Change::kTooManySubclasses);
  EXPECT_FALSE(subscription.accepts(custom_event("a::three")));
  EXPECT_EQ(subscription.describe(), "CUSTOM a::one a::two");
}

TEST(EventSubscription, NixeventOfOneTypeAfterAllKeepsTheOthers) {
  EventSubscription subscription;
  subscription.add_events({"ALL"}, 8);
  EXPECT_EQ(subscription.describe(), "ALL");
  EXPECT_TRUE(subscription.remove_events({"HEARTBEAT"}));
  EXPECT_FALSE(subscription.accepts(event_of(EventType::kHeartbeat)));
  EXPECT_TRUE(subscription.accepts(event_of(EventType::kChannelAnswer)));
  EXPECT_FALSE(subscription.remove_events({"nothing"}));
}

TEST(EventSubscription, NoeventsForgetsEverythingOnce) {
  EventSubscription subscription;
  subscription.add_events({"ALL"}, 8);
  EXPECT_TRUE(subscription.clear());
  EXPECT_FALSE(subscription.clear());
  EXPECT_FALSE(subscription.accepts(event_of(EventType::kHeartbeat)));
  EXPECT_EQ(subscription.describe(), "");
}

TEST(EventSubscription, MyeventsPassesOnlyTheCallsChannelEvents) {
  EventSubscription subscription;
  subscription.add_my_events("u1");
  EXPECT_TRUE(subscription.accepts(event_of(EventType::kChannelAnswer, "u1")));
  EXPECT_FALSE(subscription.accepts(event_of(EventType::kChannelAnswer, "u2")));
  EXPECT_FALSE(subscription.accepts(event_of(EventType::kHeartbeat, "u1")));
  core::Event job = event_of(EventType::kChannelExecute, "");
  job.add_header("Job-Owner-UUID", "u1");
  EXPECT_TRUE(subscription.accepts(job));
}

TEST(EventSubscription, MyeventsWithoutACallPassesEveryChannelWithAUniqueId) {
  EventSubscription subscription;
  subscription.add_my_events("");
  EXPECT_TRUE(subscription.accepts(event_of(EventType::kChannelAnswer, "any")));
  EXPECT_FALSE(subscription.accepts(event_of(EventType::kChannelAnswer, "")));
}

TEST(EventSubscription, RestrictionsRefuseAndBoundEveryPath) {
  EventSubscription subscription;
  EventRestrictions restrictions;
  restrictions.events_limited = true;
  restrictions.events.set(static_cast<std::size_t>(EventType::kChannelAnswer));
  restrictions.events.set(static_cast<std::size_t>(EventType::kCustom));
  restrictions.subclasses = {"ok::sub"};
  subscription.restrict(restrictions);
  EXPECT_EQ(subscription.add_events({"ALL"}, 8), Change::kDenied);
  EXPECT_EQ(subscription.add_events({"HEARTBEAT"}, 8), Change::kDenied);
  EXPECT_EQ(subscription.add_events({"CUSTOM", "other::sub"}, 8), Change::kDenied);
  EXPECT_EQ(subscription.add_events({"CUSTOM", "ok::sub"}, 8), Change::kApplied);
  EXPECT_TRUE(subscription.accepts(custom_event("ok::sub")));
  // myevents turns on types beyond the list; the restrictions still hold on delivery.
  subscription.add_my_events("u1");
  EXPECT_TRUE(subscription.accepts(event_of(EventType::kChannelAnswer)));
  EXPECT_FALSE(subscription.accepts(event_of(EventType::kChannelHangup)));
}

TEST(EventSubscription, FiltersDecideAndAPrecheckOfAnOlderSetIsIgnored) {
  EventSubscription subscription;
  subscription.add_events({"CHANNEL_ANSWER"}, 8);
  subscription.filters().add("Unique-ID", "u1");
  core::Event mine = event_of(EventType::kChannelAnswer, "u1");
  core::Event other = event_of(EventType::kChannelAnswer, "u2");
  EXPECT_TRUE(subscription.accepts(mine));
  EXPECT_FALSE(subscription.accepts(other));
  std::uint64_t token = subscription.precheck(mine);
  EXPECT_NE(token, 0u);
  EXPECT_TRUE(subscription.accepts(mine, token));
  subscription.filters().clear();
  subscription.filters().add("Unique-ID", "u2");
  EXPECT_FALSE(subscription.accepts(mine, token));  // stale verdict: the filters run again
  EXPECT_EQ(subscription.precheck(event_of(EventType::kHeartbeat)), 0u);
}

}  // namespace
}  // namespace es::eventsocket
