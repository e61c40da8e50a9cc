#include "gateway/event_import.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "client/event.hpp"
#include "core/event_bus.hpp"
#include "core/event_serializer.hpp"
#include "core/fired_event.hpp"

namespace es::gateway {
namespace {

using protocol::EventFormat;

// What a subscriber of the upstream receives: the event as its bus delivers it.
core::FiredEventPtr upstream_delivery(core::Event event) {
  core::EventBus bus;
  return bus.fire(std::move(event));
}

// The event the gateway re-fires from the upstream's plain frame.
core::FiredEventPtr through_gateway(const core::FiredEvent& original) {
  std::string plain;
  core::serialize_plain(original.event(), plain);
  auto imported = import_upstream_event(client::parse_plain_event(plain));
  EXPECT_TRUE(imported.has_value());
  if (!imported) return nullptr;
  core::EventBus bus;
  return bus.fire(std::move(*imported));
}

void expect_same_frames(const core::FiredEvent& original, const core::FiredEvent& copy) {
  for (EventFormat format : {EventFormat::kPlain, EventFormat::kJson, EventFormat::kXml}) {
    EXPECT_EQ(original.frame(format), copy.frame(format)) << protocol::format_name(format);
  }
  EXPECT_EQ(original.event().type(), copy.event().type());
  EXPECT_EQ(original.event().subclass(), copy.event().subclass());
}

core::Event channel_event() {
  core::Event event(core::EventType::kChannelAnswer);
  event.add_header("Event-Name", "CHANNEL_ANSWER");
  event.add_header("Core-UUID", "0a0b0c0d-0000-4000-8000-000000000001");
  event.add_header("Event-Sequence", "42");
  event.add_header("Unique-ID", "11111111-2222-4333-8444-555555555555");
  event.add_header("Caller-Caller-ID-Name", "Ann & Bob <x> 100% \"quoted\"");
  event.add_header("variable_multi", "ARRAY::one|:two|:three");
  event.add_header("variable_accents", "caf\xc3\xa9 \t tab");
  return event;
}

TEST(EventImport, ChannelEventKeepsEveryFormatByteForByte) {
  auto original = upstream_delivery(channel_event());
  auto copy = through_gateway(*original);
  ASSERT_TRUE(copy);
  expect_same_frames(*original, *copy);
}

TEST(EventImport, CustomEventWithSubclassAndBody) {
  core::Event event(core::EventType::kCustom, "acme::thing");
  event.add_header("Event-Name", "CUSTOM");
  event.add_header("Core-UUID", "0a0b0c0d-0000-4000-8000-000000000001");
  event.add_header("Event-Sequence", "7");
  event.set_body("line one\nline two\n\nContent-Length: 3\n");
  auto original = upstream_delivery(std::move(event));
  auto copy = through_gateway(*original);
  ASSERT_TRUE(copy);
  expect_same_frames(*original, *copy);
  EXPECT_EQ(copy->event().body(), original->event().body());
}

TEST(EventImport, BackgroundJobBodyIsNotTakenForAHeader) {
  core::Event event(core::EventType::kBackgroundJob);
  event.add_header("Event-Name", "BACKGROUND_JOB");
  event.add_header("Job-UUID", "job-1");
  event.set_body("+OK done\n");
  auto original = upstream_delivery(std::move(event));
  auto copy = through_gateway(*original);
  ASSERT_TRUE(copy);
  expect_same_frames(*original, *copy);
  EXPECT_EQ(copy->event().header("Content-Length"), nullptr);
}

TEST(EventImport, RefusesEventsWithoutNameOrWithLineSplittingHeaderNames) {
  client::Event nameless{{{"Core-UUID", "x"}}, {}};
  EXPECT_FALSE(import_upstream_event(std::move(nameless)).has_value());
  client::Event spoof{{{"Event-Name", "HEARTBEAT"}, {"Bad\nEvent-Name", "CHANNEL_ANSWER"}}, {}};
  EXPECT_FALSE(import_upstream_event(std::move(spoof)).has_value());
  client::Event angle{{{"Event-Name", "HEARTBEAT"}, {"a<b", "x"}}, {}};
  EXPECT_FALSE(import_upstream_event(std::move(angle)).has_value());
}

TEST(EventImport, UnknownEventNamesPassAsCustomWithTheirOwnName) {
  client::Event future{{{"Event-Name", "FUTURE_THING"}, {"Core-UUID", "c"}}, {}};
  auto imported = import_upstream_event(std::move(future));
  ASSERT_TRUE(imported.has_value());
  EXPECT_EQ(imported->type(), core::EventType::kCustom);
  std::string plain;
  core::serialize_plain(*imported, plain);
  EXPECT_EQ(plain, "Event-Name: FUTURE_THING\nCore-UUID: c\n\n");
}

}  // namespace
}  // namespace es::gateway
