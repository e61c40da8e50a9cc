#include "client/event.hpp"

#include "protocol/message_parser.hpp"

namespace es::client {

std::string_view Event::header_or(std::string_view name, std::string_view fallback) const {
  const std::string* value = header(name);
  return value ? std::string_view(*value) : fallback;
}

Event parse_plain_event(std::string_view serialized) {
  protocol::Message message = protocol::parse_header_block(serialized, true);
  return Event{std::move(message.headers), std::move(message.body)};
}

}  // namespace es::client
