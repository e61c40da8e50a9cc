// Routing keys, bodies and properties of published events as mod_amqp makes them, seen by
// amqplib and amqp-consume; two switches publishing into one exchange.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <set>

#include "amqp_consumers.hpp"
#include "amqp_fixture.hpp"
#include "call_events.hpp"

namespace es::amqptest {
namespace {

TEST_F(AmqpExport, KeysBodiesAndPropertiesMatchModAmqp) {
  std::string why;
  if (!NodeConsumer::available(&why)) GTEST_SKIP() << why;
  const unsigned short port = g_broker_a->port();
  std::string conf = amqp_conf(
      profile("vanilla", {connection("primary", port)},
              {{"format_fields", kVanillaFields},
               {"enable_fallback_format_fields", "1"},
               {"delivery-mode", "2"}}) +
      profile(
          "fallback", {connection("primary", port)},
          {{"exchange-name", "TAP.Fallback"},
           {"format_fields", "#es,Missing-Header|#none,Event-Name,Event-Subclass|#nosub,Unique-ID"},
           // mod_amqp reads this number with atoi: "true" would leave fallbacks off.
           {"enable_fallback_format_fields", "2"},
           {"delivery-timestamp", "false"},
           {"content-type", "application/json"},
           {"event_filter", "CHANNEL_ANSWER,CUSTOM^my::sub"}}));
  Switch sw(conf, "pbx.one");
  ASSERT_TRUE(sw.ok());
  ASSERT_TRUE(sw.wait_status("producer fallback CONNECTED primary")) << sw.last_status();
  ASSERT_TRUE(sw.wait_status("producer vanilla CONNECTED primary")) << sw.last_status();

  NodeConsumer node(g_broker_a->url(), "TAP.Events", "FreeSWITCH.#");
  ASSERT_TRUE(node.ready());
  // amqp-consume bound to the exact fallback key of the CUSTOM event below, and to the
  // fallback key of any CHANNEL_ANSWER.
  const std::string custom_fallback_key = "es.none.CUSTOM.my%3A%3Asub.a%2Eb+c%2Fd%C3%A9";
  ToolConsumer tool_custom(port, "TAP.Fallback", custom_fallback_key, custom_fallback_key);
  ASSERT_TRUE(tool_custom.ready());
  ToolConsumer tool_answer(port, "TAP.Fallback", "es.none.CHANNEL_ANSWER.nosub.*",
                           "es.none.CHANNEL_ANSWER.nosub.probe");
  ASSERT_TRUE(tool_answer.ready());
  NodeConsumer fallback_node(g_broker_a->url(), "TAP.Fallback", "es.none.CUSTOM.#", 1);
  ASSERT_TRUE(fallback_node.ready());

  // A CUSTOM event whose subclass and Unique-ID need escaping, with an array and a body.
  EXPECT_TRUE(sent(sw.sendevent(
      "CUSTOM", "Event-Subclass: my::sub\nUnique-ID: a.b c/d\u00e9\nX-List: ARRAY::one|:two\n",
      "body \"text\"\n")));
  auto custom_json = sw.socket_event([](const client::Event& e) { return e.name() == "CUSTOM"; });
  ASSERT_TRUE(custom_json);
  // A real call's CHANNEL_ANSWER.
  std::string uuid = itest::ok_uuid(sw.api("originate null/1000 &park()"));
  ASSERT_FALSE(uuid.empty());
  auto answer_json = sw.socket_event([&](const client::Event& e) {
    return e.name() == "CHANNEL_ANSWER" && e.header_or("Unique-ID") == uuid;
  });
  ASSERT_TRUE(answer_json);
  // A BACKGROUND_JOB (no Unique-ID: an empty last segment).
  std::string job = itest::bgapi(sw.control(), "echo hello");
  auto job_json = sw.socket_event([&](const client::Event& e) {
    return e.name() == "BACKGROUND_JOB" && e.header_or("Job-UUID") == job;
  });
  ASSERT_TRUE(job_json);
  sw.api("uuid_kill " + uuid);

  const std::map<std::string, std::string> expected = {
      {"FreeSWITCH.pbx%2Eone.CUSTOM.my%3A%3Asub.a%2Eb+c%2Fd%C3%A9", *custom_json},
      {"FreeSWITCH.pbx%2Eone.CHANNEL_ANSWER.." + uuid, *answer_json},
      {"FreeSWITCH.pbx%2Eone.BACKGROUND_JOB..", *job_json},
  };
  std::map<std::string, SeenMessage> seen;
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (seen.size() < expected.size() && std::chrono::steady_clock::now() < deadline) {
    auto message = node.next(5s);
    if (!message) break;
    auto event = client::parse_json_event(message->body);
    ASSERT_TRUE(event) << message->body;
    std::string name(event->name());
    if (name == "CUSTOM" || name == "BACKGROUND_JOB" ||
        (name == "CHANNEL_ANSWER" && event->header_or("Unique-ID") == uuid)) {
      seen[message->routing_key] = *message;
    }
  }
  for (const auto& [key, body] : expected) {
    ASSERT_TRUE(seen.count(key)) << "no message with routing key " << key;
    const SeenMessage& m = seen[key];
    EXPECT_EQ(m.body, body) << key;
    EXPECT_EQ(m.content_type, "text/json");
    EXPECT_EQ(m.delivery_mode, "2");
    const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
    long long stamp = std::atoll(m.timestamp.c_str());
    EXPECT_LE(std::llabs(stamp - now_s), 60) << m.timestamp;
    EXPECT_EQ(m.headers.header_or("x_Liquid_MessageSentTimeStamp"), m.timestamp);
    long long micro =
        std::atoll(std::string(m.headers.header_or("x_Liquid_MessageSentTimeStampMicro")).c_str());
    EXPECT_EQ(micro / 1000000, stamp);
  }
  // The body keeps arrays and the body as FreeSWITCH's JSON serializer writes them.
  EXPECT_NE(custom_json->find("\"X-List\":[\"one\",\"two\"]"), std::string::npos);
  EXPECT_NE(custom_json->find("\"_body\":\"body \\\"text\\\"\\n\""), std::string::npos);

  // The fallback profile through amqp-consume: its keys, and only its filtered events.
  auto custom_body = tool_custom.next_body(10s);
  ASSERT_TRUE(custom_body) << sw.api("amqp status");
  EXPECT_EQ(*custom_body, *custom_json);
  auto answer_body = tool_answer.next_body(10s);
  ASSERT_TRUE(answer_body);
  EXPECT_EQ(*answer_body, *answer_json);
  EXPECT_FALSE(tool_answer.next_body(1s)) << "one answer only";
  // Its properties: the configured content type, no timestamp, no delivery mode.
  auto fallback_message = fallback_node.next(10s);
  ASSERT_TRUE(fallback_message);
  EXPECT_EQ(fallback_message->routing_key, custom_fallback_key);
  EXPECT_EQ(fallback_message->content_type, "application/json");
  EXPECT_EQ(fallback_message->timestamp, "");
  EXPECT_EQ(fallback_message->delivery_mode, "");
  EXPECT_TRUE(fallback_message->headers.headers.empty());
  EXPECT_EQ(sw.counter("producer fallback", "published"), 2u) << sw.last_status();
}

TEST_F(AmqpExport, TwoSwitchesPublishIntoOneExchange) {
  const unsigned short port = g_broker_a->port();
  const std::string conf =
      amqp_conf(profile("default", {connection("primary", port)},
                        {{"format_fields", kVanillaFields}, {"event_filter", "CHANNEL_ANSWER"}}));
  Switch east(conf, "east");
  Switch west(conf, "west");
  ASSERT_TRUE(east.ok() && west.ok());
  ASSERT_TRUE(east.wait_status("producer default CONNECTED"));
  ASSERT_TRUE(west.wait_status("producer default CONNECTED"));
  ToolConsumer answers(port, "TAP.Events", "FreeSWITCH.*.CHANNEL_ANSWER.#",
                       "FreeSWITCH.probe.CHANNEL_ANSWER.x");
  ASSERT_TRUE(answers.ready());

  std::string east_call = itest::ok_uuid(east.api("originate null/1000 &park()"));
  std::string west_call = itest::ok_uuid(west.api("originate null/2000 &park()"));
  std::set<std::string> seen;
  while (seen.size() < 2) {
    auto body = answers.next_body(10s);
    ASSERT_TRUE(body) << "answers seen: " << seen.size();
    auto event = client::parse_json_event(*body);
    ASSERT_TRUE(event) << *body;
    EXPECT_EQ(event->name(), "CHANNEL_ANSWER");
    seen.insert(std::string(event->header_or("FreeSWITCH-Hostname")) + " " +
                std::string(event->header_or("Unique-ID")));
  }
  EXPECT_EQ(seen, (std::set<std::string>{"east " + east_call, "west " + west_call}));
  east.api("uuid_kill " + east_call);
  west.api("uuid_kill " + west_call);
}

}  // namespace
}  // namespace es::amqptest
