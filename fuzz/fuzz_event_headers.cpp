// Fuzzes what sendevent does with outside headers (Listener::cmd_sendevent): command packets
// become events (ARRAY:: values, Event-Subclass, a body), which are serialized in the three
// formats; the client's readers must read the plain and JSON forms back.
#include <cstdint>
#include <string>

#include "client/event.hpp"
#include "core/event.hpp"
#include "core/event_serializer.hpp"
#include "core/event_type.hpp"
#include "fuzz_fields.hpp"
#include "protocol/command_parser.hpp"

using es::fuzz::require;

namespace {

void send_event(const es::protocol::CommandPacket& packet) {
  std::string_view name = packet.command;
  std::size_t space = name.find(' ');
  name = space == std::string_view::npos ? std::string_view() : name.substr(space + 1);
  while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
  auto type = es::core::event_type_from_name(name);
  es::core::Event event(type ? *type : es::core::EventType::kCustom);
  event.add_header("Command", packet.command);
  for (const auto& h : packet.headers) event.add_header(h.name, h.value);
  if (event.type() == es::core::EventType::kCustom) {
    if (const std::string* subclass = event.header("Event-Subclass")) {
      std::string value = *subclass;
      event.set_subclass(value);
    }
  }
  if (!packet.body.empty()) event.set_body(packet.body);
  (void)event.header("Unique-ID");

  std::string plain, json, xml;
  es::core::serialize_plain(event, plain);
  es::core::serialize_json(event, json);
  es::core::serialize_xml(event, xml);
  es::client::Event from_plain = es::client::parse_plain_event(plain);
  (void)from_plain.name();
  auto from_json = es::client::parse_json_event(json);
  require(from_json.has_value());
  // The JSON form carries the body as member "_body", as FreeSWITCH's does, so a header of that
  // name (sendevent accepts any) is indistinguishable from it there.
  bool body_named_header = false;
  for (const auto& header : event.headers()) body_named_header |= header.name == "_body";
  if (!body_named_header) require(from_json->body == event.body());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* input, std::size_t size) {
  es::protocol::ParserLimits limits;
  limits.max_header_block = 1 << 16;
  limits.max_body = 1 << 16;
  es::protocol::CommandParser parser(limits);
  parser.feed(std::string_view(reinterpret_cast<const char*>(input), size));
  es::protocol::CommandPacket packet;
  for (int i = 0; i < 64; ++i) {
    if (parser.next(packet) != es::protocol::ParseStatus::kPacket) break;
    send_event(packet);
  }
  return 0;
}
