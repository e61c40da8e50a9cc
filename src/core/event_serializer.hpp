// The three wire serializations of an event (docs/event-formats.md §4.1-4.3), byte-exact.
#pragma once

#include <string>
#include <string_view>

#include "core/event.hpp"
#include "protocol/frames.hpp"

namespace es::core {

// URL-encoded "Name: value\n" lines, then "Content-Length: n\n\n<body>" or a blank line.
void serialize_plain(const Event& event, std::string& out);
// Encoding off: values written as "Name: [value]\n" (uuid_dump plain, info application).
void serialize_plain_unencoded(const Event& event, std::string& out);
// How JSON writes single header values: all as strings, as FreeSWITCH does, or (opt-in,
// FreeSWITCH issue 2650) those that pass is_json_number_text as bare JSON numbers.
enum class JsonValues : unsigned char { kStrings, kNumbers };

// True when `value` is written as a JSON number under JsonValues::kNumbers (docs/event-formats.md
// §4.5): '-'? then "0" or a digit 1-9 and more digits, then optionally '.' and digits not ending
// in '0'; no exponent, no '+', not "-0". An integer stays within +-(2^53 - 1) and a fraction
// has at most 15 digits in all, so every JSON reader that holds numbers as doubles keeps the
// value exact.
bool is_json_number_text(std::string_view value);

// One unformatted JSON object; body as "Content-Length" and "_body" members.
void serialize_json(const Event& event, std::string& out, JsonValues values = JsonValues::kStrings);
// <event><headers>...</headers>[<Content-Length>..][<body>..]</event> as FreeSWITCH prints.
void serialize_xml(const Event& event, std::string& out);

void serialize(const Event& event, protocol::EventFormat format, std::string& out);

}  // namespace es::core
