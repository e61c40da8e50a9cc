#include "amqp/routing_key.hpp"

#include <gtest/gtest.h>

#include "core/text/separate_string.hpp"

namespace es::amqp {
namespace {

// Segments as amqp.conf's format_fields gives them.
std::vector<KeySegment> fields(std::string_view text, bool fallback) {
  std::vector<KeySegment> out;
  for (const std::string& field : text::separate_string(text, ',', kMaxFormatFields)) {
    KeySegment segment;
    if (fallback) {
      segment.alternatives = text::separate_string(field, '|', kMaxFallbackFields);
    } else {
      segment.alternatives.push_back(field);
    }
    out.push_back(segment);
  }
  return out;
}

core::Event channel_answer() {
  core::Event event(core::EventType::kChannelAnswer);
  event.add_header("Event-Name", "CHANNEL_ANSWER");
  event.add_header("FreeSWITCH-Hostname", "pbx1.example.com");
  event.add_header("Unique-ID", "5b7c0e5e-2a4c-4d0e-9a7d-4b9f3b1f2a10");
  event.add_header("Caller-Caller-ID-Name", "Jane Doe/ü#*");
  return event;
}

constexpr std::string_view kVanilla =
    "#FreeSWITCH,FreeSWITCH-Hostname,Event-Name,Event-Subclass,Unique-ID";

TEST(AmqpRoutingKey, EscapesAsModAmqp) {
  std::string out;
  append_key_escaped(out, "aZ09-~_. /:%ü");
  EXPECT_EQ(out, "aZ09-~_%2E+%2F%3A%25%C3%BC");
}

TEST(AmqpRoutingKey, LoneWildcardsPass) {
  std::string out;
  append_key_escaped(out, "#");
  append_key_escaped(out, "*");
  append_key_escaped(out, "##");
  EXPECT_EQ(out, "#*%23%23");
}

TEST(AmqpRoutingKey, VanillaFieldsLeaveEmptySubclassSegment) {
  EXPECT_EQ(build_routing_key(fields(kVanilla, true), channel_answer()),
            "FreeSWITCH.pbx1%2Eexample%2Ecom.CHANNEL_ANSWER..5b7c0e5e-2a4c-4d0e-9a7d-4b9f3b1f2a10");
}

TEST(AmqpRoutingKey, CustomSubclassIsEscaped) {
  core::Event event(core::EventType::kCustom, "sofia::register");
  event.add_header("Event-Name", "CUSTOM");
  event.add_header("FreeSWITCH-Hostname", "pbx1");
  EXPECT_EQ(build_routing_key(fields(kVanilla, false), event),
            "FreeSWITCH.pbx1.CUSTOM.sofia%3A%3Aregister.");
}

TEST(AmqpRoutingKey, FallbackTakesFirstPresentHeaderOrLiteral) {
  auto segments = fields("Missing|Caller-Caller-ID-Name,Missing|#none,Other|Missing", true);
  EXPECT_EQ(build_routing_key(segments, channel_answer()), "Jane+Doe%2F%C3%BC%23%2A.none.");
}

TEST(AmqpRoutingKey, WithoutFallbackABarIsOneHeaderName) {
  auto segments = fields("Missing|Unique-ID,Event-Name", false);
  EXPECT_EQ(build_routing_key(segments, channel_answer()), ".CHANNEL_ANSWER");
}

TEST(AmqpRoutingKey, NoFieldsGiveAnEmptyKey) {
  EXPECT_EQ(build_routing_key({}, channel_answer()), "");
}

TEST(AmqpRoutingKey, LongKeysAreCutAtTheShortStringLimit) {
  core::Event event(core::EventType::kCustom, "x");
  event.add_header("Big", std::string(200, '.'));  // 600 bytes escaped
  std::string key = build_routing_key(fields("#a,Big", false), event);
  EXPECT_EQ(key.size(), kMaxRoutingKeyBytes);
  EXPECT_EQ(key.substr(0, 5), "a.%2E");
}

TEST(AmqpRoutingKey, ArrayHeaderUsesItsStringForm) {
  core::Event event(core::EventType::kCustom, "x");
  event.add_header("List", "ARRAY::a|:b");
  EXPECT_EQ(build_routing_key(fields("List", false), event), "ARRAY%3A%3Aa%7C%3Ab");
}

}  // namespace
}  // namespace es::amqp
