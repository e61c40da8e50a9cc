// amqp.conf.xml as FreeSWITCH's mod_amqp reads it: producer, command and logging profiles,
// each with its ordered list of broker connections (docs/amqp.md, "Configuration").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pugixml.hpp>

#include "core/event_type.hpp"

namespace es::amqp {

// One <connection>: tried in the listed order until one opens (failover).
struct BrokerEndpoint {
  std::string name;
  std::string hostname = "localhost";
  std::string virtualhost = "/";
  std::string username = "guest";
  std::string password = "guest";
  int port = 5672;
  int heartbeat_s = 0;
  bool ssl_on = false;
  bool ssl_verify_peer = true;
};

// One routing-key segment: header names tried in order (several only with
// enable_fallback_format_fields); a name starting with '#' is a literal.
struct KeySegment {
  std::vector<std::string> alternatives;
};

// event_filter entry: a type (ALL matches every event), optionally narrowed to a subclass.
struct EventSelector {
  core::EventType type = core::EventType::kAll;
  std::string subclass;  // empty: any
};

// What producer and logging profiles share: both publish to an exchange they declare.
struct PublishingProfile {
  std::string name;
  std::vector<BrokerEndpoint> connections;
  std::string exchange = "TAP.Events";
  std::string exchange_type = "topic";
  bool exchange_durable = true;
  int send_queue_size = 5000;
  int reconnect_interval_ms = 1000;
};

struct ProducerProfile : PublishingProfile {
  int circuit_breaker_ms = 10000;
  int delivery_mode = -1;  // not sent unless > 0
  bool delivery_timestamp = true;
  std::string content_type = "text/json";
  // Our addition, off by default as in mod_amqp (fire-and-forget, the faster): an event
  // counts as published once the broker confirmed it; until then it is kept and sent again
  // after a reconnection (a broker dying mid-stream loses none; duplicates are possible).
  bool publisher_confirms = false;
  std::vector<EventSelector> events{EventSelector{}};
  std::vector<KeySegment> format_fields;
};

struct CommandProfile {
  std::string name;
  std::vector<BrokerEndpoint> connections;
  std::string exchange = "TAP.Commands";
  std::string queue;  // empty: the broker names it
  std::string binding_key = "commandBindingKey";
  int reconnect_interval_ms = 1000;
  bool queue_passive = false;
  bool queue_durable = false;
  bool queue_exclusive = false;
  bool queue_auto_delete = true;
  // Our addition (mod_amqp runs anything): the API commands a message may run, as userauth's
  // esl-allowed-api; nullopt runs any.
  std::optional<std::vector<std::string>> allowed_commands;
};

struct LoggingProfile : PublishingProfile {
  std::uint32_t level_mask = 0;  // bit n: level n is published
};

struct AmqpConfig {
  std::vector<ProducerProfile> producers;
  std::vector<CommandProfile> commands;
  std::vector<LoggingProfile> logging;
  std::vector<std::string> warnings;

  bool empty() const { return producers.empty() && commands.empty() && logging.empty(); }
};

// Routing keys hold at most this many segments and bytes (mod_amqp's limits).
inline constexpr std::size_t kMaxFormatFields = 10;
inline constexpr std::size_t kMaxFallbackFields = 5;

// Reads <configuration name="amqp.conf">; a null node gives an empty configuration.
AmqpConfig parse_amqp_config(pugi::xml_node configuration);

// switch_log_str2mask: comma-separated level names or numbers, "all" for every level.
std::uint32_t parse_log_level_mask(std::string_view text);

}  // namespace es::amqp
