#include "core/event.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace es::core {
namespace {

std::vector<std::string> names_of(const Event& event) {
  std::vector<std::string> names;
  for (const auto& header : event.headers()) names.push_back(header.name);
  return names;
}

std::vector<std::string> values_of(const Event& event) {
  std::vector<std::string> values;
  for (const auto& header : event.headers()) values.push_back(header.value);
  return values;
}

using Strings = std::vector<std::string>;

TEST(Event, LookupIsCaseInsensitiveAndReturnsFirst) {
  Event event(EventType::kApi);
  event.add_header("Foo", "1");
  event.add_header("FOO", "2");
  ASSERT_NE(event.header("foo"), nullptr);
  EXPECT_EQ(*event.header("foo"), "1");
  EXPECT_EQ(event.header("bar"), nullptr);
  EXPECT_EQ(event.headers().size(), 2u);
}

TEST(HeaderNameEquals, ComparesAsciiCaseInsensitively) {
  EXPECT_TRUE(header_name_equals("Event-Name", "EVENT-name"));
  EXPECT_FALSE(header_name_equals("Event-Name", "Event-Nam"));
  EXPECT_FALSE(header_name_equals("a", "b"));
}

TEST(Event, EmptyValueDeletesInsteadOfAdding) {
  Event event(EventType::kApi);
  event.add_header("A", "1");
  event.add_header("B", "2");
  event.add_header("a", "3");
  event.add_header("A", "");
  EXPECT_EQ(names_of(event), (Strings{"B"}));
}

TEST(Event, UniqueHeaderTypesReplaceAndMoveToEnd) {
  for (EventType type : {EventType::kRequestParams, EventType::kChannelData, EventType::kMessage}) {
    Event event(type);
    EXPECT_TRUE(event.unique_headers());
    event.add_header("A", "1");
    event.add_header("B", "2");
    event.add_header("a", "3");
    EXPECT_EQ(names_of(event), (Strings{"B", "a"}));
    EXPECT_EQ(values_of(event), (Strings{"2", "3"}));
  }
  EXPECT_FALSE(Event(EventType::kChannelState).unique_headers());
}

TEST(Event, BodyHeaderSetsBodyAndIsKept) {
  Event event(EventType::kApi);
  EXPECT_FALSE(event.has_body());
  EXPECT_EQ(event.body(), "");
  event.add_header("_body", "text");
  EXPECT_TRUE(event.has_body());
  EXPECT_EQ(event.body(), "text");
  EXPECT_EQ(names_of(event), (Strings{"_body"}));
  event.clear_body();
  EXPECT_FALSE(event.has_body());
  event.set_body("");
  EXPECT_TRUE(event.has_body());
}

TEST(Event, DeleteByValueRemovesOnlyMatchingValues) {
  Event event(EventType::kApi);
  event.add_header("X", "a");
  event.add_header("x", "b");
  event.add_header("X", "a");
  event.add_header("Y", "a");
  event.del_header("X", "a");
  EXPECT_EQ(names_of(event), (Strings{"x", "Y"}));
  event.del_header("X", "A");  // value comparison is case-sensitive
  EXPECT_EQ(names_of(event), (Strings{"x", "Y"}));
  event.del_header("X");
  EXPECT_EQ(names_of(event), (Strings{"Y"}));
  event.add_header("Y", "b");
  event.del_header("y", "");  // an empty value means any value
  EXPECT_TRUE(event.headers().empty());
}

TEST(Event, ArrayValueBecomesArrayHeader) {
  Event event(EventType::kApi);
  event.add_header("Arr", "ARRAY::one|:two|:three");
  ASSERT_EQ(event.headers().size(), 1u);
  const EventHeader& header = event.headers()[0];
  EXPECT_TRUE(header.is_array());
  EXPECT_EQ(header.array, (Strings{"one", "two", "three"}));
  EXPECT_EQ(header.value, "ARRAY::one|:two|:three");
}

TEST(Event, SingleElementArrayHasPlainStringForm) {
  Event event(EventType::kApi);
  event.add_header("Arr", "ARRAY::solo");
  ASSERT_EQ(event.headers().size(), 1u);
  EXPECT_TRUE(event.headers()[0].is_array());
  EXPECT_EQ(event.headers()[0].value, "solo");
  event.add_header("Bare", "ARRAY::");  // nothing after the prefix: nothing added
  EXPECT_EQ(event.headers().size(), 1u);
}

TEST(Event, ArrayValueIsPushedOntoAnExistingNamesake) {
  Event event(EventType::kApi);
  event.add_header("Arr", "x");
  event.add_header("Other", "y");
  event.add_header("arr", "ARRAY::a|:b");
  EXPECT_EQ(names_of(event), (Strings{"Arr", "Other"}));
  EXPECT_EQ(event.headers()[0].array, (Strings{"x", "a", "b"}));
  EXPECT_EQ(*event.header("Arr"), "ARRAY::x|:a|:b");
}

TEST(Event, PushAndUnshiftTurnHeaderIntoArray) {
  Event event(EventType::kApi);
  event.add_header("L", "m");
  event.push_header("L", "z");
  event.unshift_header("l", "a");
  EXPECT_EQ(*event.header("L"), "ARRAY::a|:m|:z");
  event.push_header("New", "only");
  EXPECT_EQ(*event.header("New"), "only");
  EXPECT_TRUE(event.headers().back().is_array());
}

TEST(Event, IndexedNameSetsArrayElementsFillingGaps) {
  Event event(EventType::kApi);
  event.add_header("Idx[2]", "c");
  ASSERT_EQ(event.headers().size(), 1u);
  EXPECT_EQ(event.headers()[0].name, "Idx");
  EXPECT_EQ(event.headers()[0].array, (Strings{"", "", "c"}));
  EXPECT_EQ(event.headers()[0].value, "ARRAY::|:|:c");
  event.add_header("Idx[4]", "e");
  EXPECT_EQ(event.headers()[0].value, "ARRAY::|:|:c|:|:e");
  // Replacing an existing element leaves the string form untouched (FreeSWITCH quirk).
  event.add_header("Idx[0]", "a");
  EXPECT_EQ(event.headers()[0].array[0], "a");
  EXPECT_EQ(event.headers()[0].value, "ARRAY::|:|:c|:|:e");
  event.add_header("Idx[4001]", "x");
  event.add_header("Idx[-1]", "x");
  EXPECT_EQ(event.headers()[0].array.size(), 5u);
}

TEST(Event, IndexedNameOnPlainHeaderDiscardsItsValue) {
  Event event(EventType::kApi);
  event.add_header("P", "old");
  event.add_header("P[1]", "new");
  EXPECT_EQ(event.headers()[0].array, (Strings{"", "new"}));
  EXPECT_EQ(*event.header("P"), "ARRAY::|:new");
}

TEST(Event, AddFrontInsertsAtTheStart) {
  Event event(EventType::kApi);
  event.add_header("B", "2");
  event.add_header_front("A", "1");
  EXPECT_EQ(names_of(event), (Strings{"A", "B"}));
}

TEST(Event, SubclassOnlyForCustomAndClone) {
  Event custom(EventType::kCustom, "my::sub");
  EXPECT_EQ(custom.subclass(), "my::sub");
  EXPECT_EQ(names_of(custom), (Strings{"Event-Subclass"}));
  Event other(EventType::kApi, "my::sub");
  EXPECT_EQ(other.subclass(), "");
  EXPECT_TRUE(other.headers().empty());
}

TEST(Event, CloneReadsAsCustom) {
  Event scratch(EventType::kClone);
  EXPECT_EQ(scratch.type(), EventType::kCustom);
  scratch.set_type(EventType::kHeartbeat);
  EXPECT_EQ(scratch.type(), EventType::kHeartbeat);
}

TEST(Event, SetSubclassReplacesAllAndAppendsAtEnd) {
  Event event(EventType::kCustom, "first");
  event.add_header("A", "1");
  event.add_header("event-subclass", "stray");
  event.set_subclass("second");
  EXPECT_EQ(names_of(event), (Strings{"A", "Event-Subclass"}));
  EXPECT_EQ(*event.header("Event-Subclass"), "second");
}

TEST(Event, DeliveryCopyMovesSubclassFirst) {
  Event event(EventType::kCustom);
  event.add_header("Event-Name", "CUSTOM");
  event.add_header("Core-UUID", "u");
  event.set_subclass("loopback::bowout");
  event.add_header("After", "x");
  event.move_subclass_header_first();
  EXPECT_EQ(names_of(event), (Strings{"Event-Subclass", "Event-Name", "Core-UUID", "After"}));
  EXPECT_EQ(event.headers()[0].value, "loopback::bowout");
}

TEST(Event, DeliveryCopyWithoutSubclassOrArraysIsUnchanged) {
  Event event(EventType::kApi);
  event.add_header("Event-Subclass", "not-a-real-subclass");
  event.add_header("B", "2");
  event.move_subclass_header_first();
  EXPECT_EQ(names_of(event), (Strings{"Event-Subclass", "B"}));
  EXPECT_EQ(values_of(event), (Strings{"not-a-real-subclass", "2"}));
}

TEST(Event, DeliveryCopyMergesArrayIntoEarlierNamesake) {
  Event event(EventType::kCustom, "s");
  event.add_header("Mid", "m");
  event.add_header("Dup", "ARRAY::a|:b");
  event.add_header_front("dup", "p");  // a plain namesake ahead of the array
  event.set_body("body");
  EXPECT_EQ(names_of(event), (Strings{"dup", "Event-Subclass", "Mid", "Dup"}));
  event.move_subclass_header_first();
  EXPECT_EQ(names_of(event), (Strings{"Event-Subclass", "dup", "Mid"}));
  EXPECT_EQ(event.headers()[1].value, "ARRAY::p|:a|:b");
  EXPECT_EQ(event.headers()[1].array, (Strings{"p", "a", "b"}));
  EXPECT_EQ(event.body(), "body");
}

}  // namespace
}  // namespace es::core
