// An event as a client receives it: ordered headers (values decoded), the event name, a body.
// Built from the body of a text/event-plain or text/event-json message; parsing never throws.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/command_parser.hpp"

namespace es::client {

using Header = protocol::HeaderField;

struct Event {
  // Headers in the order the server serialized them. A header may occur more than once; lookups
  // return the first occurrence, as the server does.
  std::vector<Header> headers;
  std::string body;

  // Value of the first header called `name` (case-insensitive), or nullptr.
  const std::string* header(std::string_view name) const {
    return protocol::find_header(headers, name);
  }
  // Value of `name`, or `fallback` when absent.
  std::string_view header_or(std::string_view name, std::string_view fallback = {}) const;
  // The Event-Name header ("CHANNEL_ANSWER", "CUSTOM"...), empty when absent.
  std::string_view name() const { return header_or("Event-Name"); }
};

// Parses a text/event-plain body: URL-encoded "Name: value" lines, a blank line, and when the
// event has a Content-Length header, the event body after that blank line.
Event parse_plain_event(std::string_view serialized);

// Parses a text/event-json body: one JSON object whose members are headers; "_body" becomes the
// body. String values are unescaped, arrays of strings become FreeSWITCH's "ARRAY::a|:b" text,
// other values keep their JSON text. nullopt when the text is not a JSON object, or when it
// nests containers more than 64 deep (no real event does; the limit keeps hostile input from
// exhausting the stack). Takes any bytes.
std::optional<Event> parse_json_event(std::string_view serialized);

}  // namespace es::client
