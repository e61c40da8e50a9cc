#include "client/event.hpp"

#include <gtest/gtest.h>

namespace es::client {
namespace {

TEST(PlainEvent, HeadersAreDecodedAndKeepTheirOrder) {
  Event event = parse_plain_event(
      "Event-Name: CHANNEL_ANSWER\nCaller-Caller-ID-Name: Jane%20Doe\nvariable_x: a%3Ab\n\n");
  ASSERT_EQ(event.headers.size(), 3u);
  EXPECT_EQ(event.name(), "CHANNEL_ANSWER");
  EXPECT_EQ(event.headers[1].name, "Caller-Caller-ID-Name");
  EXPECT_EQ(event.headers[1].value, "Jane Doe");
  EXPECT_EQ(*event.header("VARIABLE_X"), "a:b");
  EXPECT_TRUE(event.body.empty());
  EXPECT_EQ(event.header("missing"), nullptr);
  EXPECT_EQ(event.header_or("missing", "none"), "none");
}

TEST(PlainEvent, BodyFollowsTheBlankLineWhenContentLengthIsPresent) {
  Event event = parse_plain_event(
      "Event-Name: BACKGROUND_JOB\nJob-UUID: 1-2\nContent-Length: 12\n\n+OK done\nxy\n");
  EXPECT_EQ(event.name(), "BACKGROUND_JOB");
  EXPECT_EQ(event.body, "+OK done\nxy\n");
}

TEST(JsonEvent, StringsArraysAndBody) {
  auto event =
      parse_json_event(R"({"Event-Name":"CUSTOM","Text":"line\nnext \"q\" \u00e9 \ud83d\ude00",)"
                       R"( "Multi":["a","b"], "Count": 12, "Flag": true, "_body":"hello"})");
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->name(), "CUSTOM");
  EXPECT_EQ(*event->header("Text"), "line\nnext \"q\" \xc3\xa9 \xf0\x9f\x98\x80");
  EXPECT_EQ(*event->header("Multi"), "ARRAY::a|:b");
  EXPECT_EQ(*event->header("Count"), "12");
  EXPECT_EQ(*event->header("Flag"), "true");
  EXPECT_EQ(event->body, "hello");
  EXPECT_EQ(event->header("_body"), nullptr);
  ASSERT_EQ(event->headers.size(), 5u);
  EXPECT_EQ(event->headers[2].name, "Multi");
}

TEST(JsonEvent, NestedValuesKeepTheirText) {
  auto event = parse_json_event(R"({"A": {"x": [1, 2]}, "B": [1, "s"]})");
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(*event->header("A"), R"({"x": [1, 2]})");
  EXPECT_EQ(*event->header("B"), R"([1, "s"])");
}

TEST(JsonEvent, MalformedTextIsRejected) {
  EXPECT_FALSE(parse_json_event("").has_value());
  EXPECT_FALSE(parse_json_event("[1,2]").has_value());
  EXPECT_FALSE(parse_json_event(R"({"a":"b")").has_value());
  EXPECT_FALSE(parse_json_event(R"({"a":"b\q"})").has_value());
  EXPECT_FALSE(parse_json_event(R"({"a":"b"} trailing)").has_value());
  EXPECT_FALSE(parse_json_event(R"({"a":})").has_value());
  EXPECT_TRUE(parse_json_event(R"( { } )").has_value());
}

// A hostile body cannot exhaust the stack: 100,000 open brackets are refused (before the
// limit this recursed once per bracket and crashed).
TEST(JsonEvent, DeepNestingIsRejectedWithoutRecursingPerLevel) {
  std::string deep = R"({"a":)" + std::string(100000, '[');
  EXPECT_FALSE(parse_json_event(deep).has_value());
  std::string closed = R"({"a":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_FALSE(parse_json_event(closed).has_value());
  std::string objects = R"({"a":)";
  for (int i = 0; i < 100000; ++i) objects += R"({"b":)";
  EXPECT_FALSE(parse_json_event(objects).has_value());
}

TEST(JsonEvent, NestingUpToTheLimitIsRead) {
  // The event object is level 1: a value may open 63 more containers.
  std::string ok = R"({"a":)" + std::string(63, '[') + std::string(63, ']') + "}";
  auto event = parse_json_event(ok);
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->header("a")->size(), 126u);
  std::string deep = R"({"a":)" + std::string(64, '[') + std::string(64, ']') + "}";
  EXPECT_FALSE(parse_json_event(deep).has_value());
}

}  // namespace
}  // namespace es::client
