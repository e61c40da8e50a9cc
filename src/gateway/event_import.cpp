#include "gateway/event_import.hpp"

#include <string>

#include "core/event_type.hpp"
#include "protocol/header_fields.hpp"

namespace es::gateway {
namespace {

constexpr std::string_view kSubclassHeader = "Event-Subclass";

// The plain form ends a body-carrying event with "Content-Length: n" then the body; the parser
// keeps that line as the last header. It is framing, not part of the event.
void drop_body_length(client::Event& received) {
  if (received.body.empty() || received.headers.empty()) return;
  const client::Header& last = received.headers.back();
  if (last.name == "Content-Length" && last.value == std::to_string(received.body.size())) {
    received.headers.pop_back();
  }
}

}  // namespace

std::optional<core::Event> import_upstream_event(client::Event&& received) {
  drop_body_length(received);
  const std::string* name = received.header("Event-Name");
  if (name == nullptr || name->empty()) return std::nullopt;
  for (const client::Header& header : received.headers) {
    if (!protocol::valid_header_name(header.name)) return std::nullopt;
  }
  // A type this build does not know (a newer FreeSWITCH) still reaches ALL subscribers as it
  // came: its Event-Name header is printed as received.
  core::EventType type = core::event_type_from_name(*name).value_or(core::EventType::kCustom);
  const std::string* subclass = received.header(kSubclassHeader);
  const bool with_subclass = type == core::EventType::kCustom && subclass && !subclass->empty();
  core::Event event(type, with_subclass ? std::string_view(*subclass) : std::string_view());
  bool subclass_skipped = false;
  for (client::Header& header : received.headers) {
    // The constructor already holds the subclass header (the bus moves it first, where the
    // upstream's delivery copy had it).
    if (with_subclass && !subclass_skipped && header.name == kSubclassHeader) {
      subclass_skipped = true;
      continue;
    }
    if (header.value.empty()) continue;  // add_header would delete namesakes instead
    event.add_header(header.name, header.value);
  }
  if (!received.body.empty()) event.set_body(std::move(received.body));
  return event;
}

}  // namespace es::gateway
