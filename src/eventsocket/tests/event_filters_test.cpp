// EventFilters on their own: FreeSWITCH's filter rule (a positive filter must match, a
// negative one that matches later excludes), polarity prefixes, regular expressions and
// removal (docs/wire-protocol.md §6.3, summarised in event_filter.hpp).
#include "eventsocket/event_filter.hpp"

#include <gtest/gtest.h>

namespace es::eventsocket {
namespace {

core::Event channel_event(std::string_view uuid, std::string_view name = "alice") {
  core::Event event(core::EventType::kChannelAnswer);
  event.add_header("Event-Name", "CHANNEL_ANSWER");
  event.add_header("Unique-ID", uuid);
  event.add_header("Caller-Caller-ID-Name", name);
  return event;
}

TEST(EventFilters, NoFilterPassesNothingSoTheListenerChecksEmptyFirst) {
  EventFilters filters;
  EXPECT_TRUE(filters.empty());
  EXPECT_FALSE(filters.passes(channel_event("u1")));
}

TEST(EventFilters, PositiveFilterComparesValueAndHeaderNameWithoutCase) {
  EventFilters filters;
  filters.add("unique-id", "U1");
  EXPECT_TRUE(filters.passes(channel_event("u1")));
  EXPECT_FALSE(filters.passes(channel_event("u2")));
}

TEST(EventFilters, AnEventWithoutTheHeaderIsNotMatched) {
  EventFilters filters;
  filters.add("Job-UUID", "j1");
  EXPECT_FALSE(filters.passes(channel_event("u1")));
}

TEST(EventFilters, OnlyNegativeFiltersPassNothing) {
  EventFilters filters;
  filters.add("Unique-ID", "-u1");
  EXPECT_FALSE(filters.passes(channel_event("u1")));
  EXPECT_FALSE(filters.passes(channel_event("u2")));
}

TEST(EventFilters, NegativeFilterAfterAPositiveOneExcludes) {
  EventFilters filters;
  filters.add("Event-Name", "CHANNEL_ANSWER");
  filters.add("Unique-ID", "-u1");
  EXPECT_FALSE(filters.passes(channel_event("u1")));
  EXPECT_TRUE(filters.passes(channel_event("u2")));
}

TEST(EventFilters, TheLastSignOfThePrefixWins) {
  EventFilters filters;
  filters.add("Event-Name", "CHANNEL_ANSWER");
  filters.add("Unique-ID", "+ - u1");  // '-' last: negative
  EXPECT_FALSE(filters.passes(channel_event("u1")));
  filters.clear();
  filters.add("Unique-ID", "- +u1");  // '+' last: positive
  EXPECT_TRUE(filters.passes(channel_event("u1")));
}

TEST(EventFilters, SlashValuesAreRegularExpressionsWithFlags) {
  EventFilters filters;
  filters.add("Caller-Caller-ID-Name", "/^ali/");
  EXPECT_TRUE(filters.has_regex());
  EXPECT_TRUE(filters.passes(channel_event("u1", "alice")));
  EXPECT_FALSE(filters.passes(channel_event("u1", "ALICE")));
  filters.clear();
  filters.add("Caller-Caller-ID-Name", "/^ali/i");
  EXPECT_TRUE(filters.passes(channel_event("u1", "ALICE")));
  EXPECT_FALSE(filters.passes(channel_event("u1", "bob")));
}

TEST(EventFilters, AnInvalidRegularExpressionNeverMatches) {
  EventFilters filters;
  filters.add("Caller-Caller-ID-Name", "/([unclosed/");
  EXPECT_FALSE(filters.passes(channel_event("u1", "([unclosed")));
}

TEST(EventFilters, RemoveTakesEveryFilterOfTheHeaderOrOnlyTheExactValue) {
  EventFilters filters;
  filters.add("Unique-ID", "u1");
  filters.add("Unique-ID", "u2");
  filters.add("Event-Name", "CHANNEL_ANSWER");
  filters.remove("unique-id", "u2");
  EXPECT_EQ(filters.size(), 2u);
  // u2 still passes through the Event-Name filter.
  EXPECT_TRUE(filters.passes(channel_event("u2")));
  filters.remove("Unique-ID");
  EXPECT_EQ(filters.size(), 1u);
  EXPECT_TRUE(filters.passes(channel_event("u9")));
}

TEST(EventFilters, EveryChangeMovesTheGeneration) {
  EventFilters filters;
  auto before = filters.generation();
  filters.add("Unique-ID", "u1");
  auto added = filters.generation();
  EXPECT_NE(added, before);
  filters.remove("Unique-ID", "nothing-like-it");
  auto removed = filters.generation();
  EXPECT_NE(removed, added);
  filters.clear();
  EXPECT_NE(filters.generation(), removed);
  EXPECT_TRUE(filters.empty());
}

}  // namespace
}  // namespace es::eventsocket
