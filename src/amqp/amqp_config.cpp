#include "amqp/amqp_config.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "core/log_bus.hpp"
#include "core/text/separate_string.hpp"
#include "core/text/text.hpp"
#include "protocol/ascii.hpp"

namespace es::amqp {
namespace {

// mod_amqp reads numbers with atoi and keeps the default for zero or negative values.
void read_positive(std::string_view value, int& target) {
  int parsed = std::atoi(std::string(value).c_str());
  if (parsed > 0) target = parsed;
}

BrokerEndpoint parse_connection(pugi::xml_node node) {
  BrokerEndpoint endpoint;
  endpoint.name = node.attribute("name").value();
  for (pugi::xml_node param : node.children("param")) {
    std::string_view name = param.attribute("name").value();
    std::string_view value = param.attribute("value").value();
    if (name == "hostname") {
      endpoint.hostname = value;
    } else if (name == "virtualhost") {
      endpoint.virtualhost = value;
    } else if (name == "username") {
      endpoint.username = value;
    } else if (name == "password") {
      endpoint.password = value;
    } else if (name == "port") {
      read_positive(value, endpoint.port);
    } else if (name == "heartbeat") {
      read_positive(value, endpoint.heartbeat_s);
    } else if (name == "ssl_on") {
      endpoint.ssl_on = text::switch_true(value);
    } else if (name == "ssl_verify_peer") {
      endpoint.ssl_verify_peer = text::switch_true(value);  // off unless true, as mod_amqp
    }
  }
  return endpoint;
}

std::vector<BrokerEndpoint> parse_connections(pugi::xml_node profile, std::string_view profile_name,
                                              std::vector<std::string>& warnings) {
  std::vector<BrokerEndpoint> out;
  for (pugi::xml_node node : profile.child("connections").children("connection")) {
    BrokerEndpoint endpoint = parse_connection(node);
    // mod_amqp refuses a connection without a name.
    if (endpoint.name.empty()) {
      warnings.push_back(fmt::format(
          "amqp.conf: profile {}: a connection without a name is ignored", profile_name));
      continue;
    }
    out.push_back(std::move(endpoint));
  }
  if (out.empty()) {
    warnings.push_back(fmt::format("amqp.conf: profile {} has no connection", profile_name));
  }
  return out;
}

std::vector<EventSelector> parse_event_filter(std::string_view value,
                                              std::vector<std::string>& warnings) {
  std::vector<EventSelector> selectors;
  for (const std::string& item : text::separate_string(value, ',', core::kEventTypeCount)) {
    std::string_view name = item;
    std::string subclass;
    if (auto caret = name.find('^'); caret != std::string_view::npos) {
      subclass = std::string(name.substr(caret + 1));
      name = name.substr(0, caret);
    }
    auto type = core::event_type_from_name(name);
    if (!type) {
      warnings.push_back(fmt::format("amqp.conf: the event {} was not recognised", name));
      continue;
    }
    selectors.push_back(EventSelector{*type, std::move(subclass)});
  }
  return selectors;
}

std::vector<KeySegment> parse_format_fields(std::string_view value, bool fallback) {
  std::vector<KeySegment> segments;
  for (const std::string& field : text::separate_string(value, ',', kMaxFormatFields)) {
    KeySegment segment;
    if (fallback) {
      segment.alternatives = text::separate_string(field, '|', kMaxFallbackFields);
    } else {
      segment.alternatives.push_back(field);
    }
    segments.push_back(std::move(segment));
  }
  return segments;
}

// The params producer and logging profiles share; false if `name` is none of them.
bool read_publishing_param(std::string_view name, std::string_view value,
                           PublishingProfile& profile) {
  if (name == "reconnect_interval_ms") {
    read_positive(value, profile.reconnect_interval_ms);
  } else if (name == "send_queue_size") {
    read_positive(value, profile.send_queue_size);
  } else if (name == "exchange-type") {
    profile.exchange_type = value;
  } else if (name == "exchange-name") {
    profile.exchange = value;
  } else if (name == "exchange-durable") {
    profile.exchange_durable = text::switch_true(value);
  } else {
    return false;
  }
  return true;
}

ProducerProfile parse_producer(pugi::xml_node node, std::vector<std::string>& warnings) {
  ProducerProfile profile;
  profile.name = node.attribute("name").value();
  profile.connections = parse_connections(node, profile.name, warnings);
  // format_fields is split once enable_fallback_format_fields is known, wherever it appears.
  std::optional<std::string> format_fields;
  bool fallback = false;
  for (pugi::xml_node param : node.child("params").children("param")) {
    std::string_view name = param.attribute("name").value();
    std::string_view value = param.attribute("value").value();
    if (read_publishing_param(name, value, profile)) continue;
    if (name == "circuit_breaker_ms") {
      read_positive(value, profile.circuit_breaker_ms);
    } else if (name == "enable_fallback_format_fields") {
      fallback = std::atoi(std::string(value).c_str()) > 0;
    } else if (name == "delivery-mode") {
      profile.delivery_mode = std::atoi(std::string(value).c_str());
    } else if (name == "delivery-timestamp") {
      profile.delivery_timestamp = text::switch_true(value);
    } else if (name == "content-type") {
      profile.content_type = value;
    } else if (name == "publisher-confirms") {
      profile.publisher_confirms = text::switch_true(value);
    } else if (name == "format_fields") {
      format_fields = std::string(value);
    } else if (name == "event_filter") {
      profile.events = parse_event_filter(value, warnings);
    } else if (name == "exchange" || name == "exchange_type") {
      warnings.push_back(fmt::format("amqp.conf: profile {}: param {} is spelled {}-name/-type",
                                     profile.name, name, "exchange"));
    }
  }
  if (format_fields) {
    if (text::separate_string(*format_fields, ',', kMaxFormatFields + 1).size() >
        kMaxFormatFields) {
      warnings.push_back(fmt::format("amqp.conf: profile {}: at most {} routing key fields",
                                     profile.name, kMaxFormatFields));
    }
    profile.format_fields = parse_format_fields(*format_fields, fallback);
  }
  return profile;
}

CommandProfile parse_command(pugi::xml_node node, std::vector<std::string>& warnings) {
  CommandProfile profile;
  profile.name = node.attribute("name").value();
  profile.connections = parse_connections(node, profile.name, warnings);
  for (pugi::xml_node param : node.child("params").children("param")) {
    std::string_view name = param.attribute("name").value();
    std::string_view value = param.attribute("value").value();
    if (name == "reconnect_interval_ms") {
      read_positive(value, profile.reconnect_interval_ms);
    } else if (name == "exchange-name") {
      profile.exchange = value;
    } else if (name == "queue-name") {
      profile.queue = value;
    } else if (name == "binding_key") {
      profile.binding_key = value;
    } else if (name == "queue-passive") {
      profile.queue_passive = text::switch_true(value);
    } else if (name == "queue-durable") {
      profile.queue_durable = text::switch_true(value);
    } else if (name == "queue-exclusive") {
      profile.queue_exclusive = text::switch_true(value);
    } else if (name == "queue-auto-delete") {
      profile.queue_auto_delete = text::switch_true(value);
    } else if (name == "allowed-commands") {
      profile.allowed_commands = text::separate_string(value, ',', 1024);
    }
  }
  return profile;
}

LoggingProfile parse_logging(pugi::xml_node node, std::vector<std::string>& warnings) {
  LoggingProfile profile;
  profile.name = node.attribute("name").value();
  profile.connections = parse_connections(node, profile.name, warnings);
  for (pugi::xml_node param : node.child("params").children("param")) {
    std::string_view name = param.attribute("name").value();
    std::string_view value = param.attribute("value").value();
    if (!read_publishing_param(name, value, profile) && name == "log-levels") {
      profile.level_mask = parse_log_level_mask(value);
    }
  }
  return profile;
}

// Profiles of one section; a profile without a name is skipped, as mod_amqp does.
template <typename Profile, typename Parse>
void parse_section(pugi::xml_node configuration, const char* section, std::vector<Profile>& out,
                   std::vector<std::string>& warnings, Parse parse) {
  for (pugi::xml_node node : configuration.child(section).children("profile")) {
    if (std::string_view(node.attribute("name").value()).empty()) {
      warnings.push_back(fmt::format("amqp.conf: a {} profile without a name is ignored", section));
      continue;
    }
    out.push_back(parse(node, warnings));
  }
}

}  // namespace

std::uint32_t parse_log_level_mask(std::string_view value) {
  std::uint32_t mask = 0;
  for (const std::string& word : text::separate_string(value, ',', 64)) {
    if (protocol::iequals(word, "all")) return 0xFFFFFFFFu;
    auto level = core::parse_log_level(word);
    if (level && *level >= 0 && *level < 32) mask |= 1u << *level;
  }
  return mask;
}

AmqpConfig parse_amqp_config(pugi::xml_node configuration) {
  AmqpConfig config;
  if (!configuration) return config;
  parse_section(configuration, "producers", config.producers, config.warnings, parse_producer);
  parse_section(configuration, "commands", config.commands, config.warnings, parse_command);
  parse_section(configuration, "logging", config.logging, config.warnings, parse_logging);
  return config;
}

}  // namespace es::amqp
