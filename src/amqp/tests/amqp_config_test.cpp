#include "amqp/amqp_config.hpp"

#include <gtest/gtest.h>

namespace es::amqp {
namespace {

AmqpConfig parse(const char* xml) {
  static pugi::xml_document doc;
  EXPECT_TRUE(doc.load_string(xml));
  return parse_amqp_config(doc.document_element());
}

TEST(AmqpConfig, DefaultsAreModAmqps) {
  auto config = parse(R"(<configuration name="amqp.conf"><producers><profile name="p">
    <connections><connection name="primary"/></connections></profile></producers>
    <commands><profile name="c"/></commands><logging><profile name="l"/></logging></configuration>)");
  ASSERT_EQ(config.producers.size(), 1u);
  const auto& p = config.producers[0];
  EXPECT_EQ(p.exchange, "TAP.Events");
  EXPECT_EQ(p.exchange_type, "topic");
  EXPECT_TRUE(p.exchange_durable);
  EXPECT_EQ(p.send_queue_size, 5000);
  EXPECT_EQ(p.circuit_breaker_ms, 10000);
  EXPECT_EQ(p.reconnect_interval_ms, 1000);
  EXPECT_EQ(p.delivery_mode, -1);
  EXPECT_TRUE(p.delivery_timestamp);
  EXPECT_EQ(p.content_type, "text/json");
  EXPECT_FALSE(p.publisher_confirms);
  ASSERT_EQ(p.events.size(), 1u);
  EXPECT_EQ(p.events[0].type, core::EventType::kAll);
  ASSERT_EQ(p.connections.size(), 1u);
  EXPECT_EQ(p.connections[0].hostname, "localhost");
  EXPECT_EQ(p.connections[0].port, 5672);
  EXPECT_EQ(p.connections[0].username, "guest");
  EXPECT_EQ(p.connections[0].virtualhost, "/");
  ASSERT_EQ(config.commands.size(), 1u);
  EXPECT_EQ(config.commands[0].exchange, "TAP.Commands");
  EXPECT_EQ(config.commands[0].binding_key, "commandBindingKey");
  EXPECT_TRUE(config.commands[0].queue_auto_delete);
  EXPECT_FALSE(config.commands[0].allowed_commands.has_value());
  ASSERT_EQ(config.logging.size(), 1u);
  EXPECT_EQ(config.logging[0].level_mask, 0u);
  // Two profiles without connections warned about.
  EXPECT_EQ(config.warnings.size(), 2u);
}

TEST(AmqpConfig, ReadsEveryParam) {
  auto config = parse(R"(<configuration name="amqp.conf"><producers><profile name="p">
    <connections>
      <connection name="a"><param name="hostname" value="10.0.0.1"/><param name="port" value="5673"/>
        <param name="virtualhost" value="/v"/><param name="username" value="u"/>
        <param name="password" value="pw"/><param name="heartbeat" value="10"/>
        <param name="ssl_on" value="true"/><param name="ssl_verify_peer" value="false"/></connection>
      <connection><param name="hostname" value="nameless"/></connection>
      <connection name="b"><param name="port" value="-4"/></connection>
    </connections>
    <params>
      <param name="format_fields" value="#FreeSWITCH,FreeSWITCH-Hostname|#unknown,Event-Name"/>
      <param name="enable_fallback_format_fields" value="1"/>
      <param name="exchange-name" value="X"/><param name="exchange-type" value="fanout"/>
      <param name="exchange-durable" value="false"/><param name="send_queue_size" value="7"/>
      <param name="circuit_breaker_ms" value="250"/><param name="reconnect_interval_ms" value="0"/>
      <param name="delivery-mode" value="2"/><param name="delivery-timestamp" value="no"/>
      <param name="content-type" value="application/json"/>
      <param name="publisher-confirms" value="true"/>
      <param name="event_filter" value="SWITCH_EVENT_CHANNEL_CREATE,CUSTOM^sofia::register,BOGUS"/>
    </params></profile></producers>
    <commands><profile name="c"><params><param name="allowed-commands" value="status,version"/>
      <param name="queue-name" value="q"/><param name="binding_key" value="k"/></params></profile></commands>
    <logging><profile name="l"><params><param name="log-levels" value="err,WARNING,7"/>
      <param name="exchange-name" value="TAP.Logging"/></params></profile></logging>
    </configuration>)");
  ASSERT_EQ(config.producers.size(), 1u);
  const auto& p = config.producers[0];
  ASSERT_EQ(p.connections.size(), 2u);
  EXPECT_EQ(p.connections[0].hostname, "10.0.0.1");
  EXPECT_EQ(p.connections[0].port, 5673);
  EXPECT_EQ(p.connections[0].virtualhost, "/v");
  EXPECT_EQ(p.connections[0].password, "pw");
  EXPECT_EQ(p.connections[0].heartbeat_s, 10);
  EXPECT_TRUE(p.connections[0].ssl_on);
  EXPECT_FALSE(p.connections[0].ssl_verify_peer);
  EXPECT_EQ(p.connections[1].name, "b");
  EXPECT_EQ(p.connections[1].port, 5672);
  ASSERT_EQ(p.format_fields.size(), 3u);
  EXPECT_EQ(p.format_fields[1].alternatives,
            (std::vector<std::string>{"FreeSWITCH-Hostname", "#unknown"}));
  EXPECT_EQ(p.exchange, "X");
  EXPECT_EQ(p.exchange_type, "fanout");
  EXPECT_FALSE(p.exchange_durable);
  EXPECT_EQ(p.send_queue_size, 7);
  EXPECT_EQ(p.circuit_breaker_ms, 250);
  EXPECT_EQ(p.reconnect_interval_ms, 1000);
  EXPECT_EQ(p.delivery_mode, 2);
  EXPECT_FALSE(p.delivery_timestamp);
  EXPECT_EQ(p.content_type, "application/json");
  EXPECT_TRUE(p.publisher_confirms);
  ASSERT_EQ(p.events.size(), 2u);
  EXPECT_EQ(p.events[0].type, core::EventType::kChannelCreate);
  EXPECT_EQ(p.events[1].type, core::EventType::kCustom);
  EXPECT_EQ(p.events[1].subclass, "sofia::register");
  ASSERT_EQ(config.commands.size(), 1u);
  EXPECT_EQ(config.commands[0].allowed_commands, (std::vector<std::string>{"status", "version"}));
  EXPECT_EQ(config.commands[0].queue, "q");
  EXPECT_EQ(config.commands[0].binding_key, "k");
  EXPECT_EQ(config.logging[0].level_mask, (1u << 3) | (1u << 4) | (1u << 7));
  EXPECT_EQ(config.logging[0].exchange, "TAP.Logging");
}

TEST(AmqpConfig, FallbackOffKeepsBarsInNames) {
  auto config = parse(R"(<configuration name="amqp.conf"><producers><profile name="p"><params>
      <param name="format_fields" value="a|b,c"/></params></profile></producers></configuration>)");
  ASSERT_EQ(config.producers[0].format_fields.size(), 2u);
  EXPECT_EQ(config.producers[0].format_fields[0].alternatives, std::vector<std::string>{"a|b"});
}

TEST(AmqpConfig, LogMaskAll) {
  EXPECT_EQ(parse_log_level_mask("info,all"), 0xFFFFFFFFu);
  EXPECT_EQ(parse_log_level_mask("debug,nonsense"), 1u << 7);
}

TEST(AmqpConfig, NamelessProfilesAreSkipped) {
  auto config =
      parse(R"(<configuration name="amqp.conf"><producers><profile/></producers></configuration>)");
  EXPECT_TRUE(config.empty());
  EXPECT_EQ(config.warnings.size(), 1u);
}

}  // namespace
}  // namespace es::amqp
