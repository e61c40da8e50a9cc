// Fuzzes both JSON readers that take outside input: the `json` API's document parser
// (cJSON's rules) and the client's text/event-json reader. A document that parses must print
// to text that parses back to the same document.
#include <cstdint>
#include <string>

#include "client/event.hpp"
#include "core/commands/json_value.hpp"
#include "fuzz_fields.hpp"

using es::core::commands::JsonValue;
using es::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* input, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(input), size);

  if (auto document = JsonValue::parse(text)) {
    std::string compact = document->print_unformatted();
    auto again = JsonValue::parse(compact);
    require(again.has_value());
    require(again->print_unformatted() == compact);
    auto formatted = JsonValue::parse(document->print_formatted());
    require(formatted.has_value());
    require(formatted->print_unformatted() == compact);
    if (const JsonValue* command = document->member("command")) (void)command->as_string();
  }

  if (auto event = es::client::parse_json_event(text)) {
    (void)event->name();
    for (const auto& header : event->headers) (void)event->header(header.name);
  }
  return 0;
}
