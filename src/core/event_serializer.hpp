// The three wire serializations of an event (docs/event-formats.md §4.1-4.3), byte-exact.
#pragma once

#include <string>

#include "core/event.hpp"
#include "protocol/frames.hpp"

namespace es::core {

// URL-encoded "Name: value\n" lines, then "Content-Length: n\n\n<body>" or a blank line.
void serialize_plain(const Event& event, std::string& out);
// Encoding off: values written as "Name: [value]\n" (uuid_dump plain, info application).
void serialize_plain_unencoded(const Event& event, std::string& out);
// One unformatted JSON object; body as "Content-Length" and "_body" members.
void serialize_json(const Event& event, std::string& out);
// <event><headers>...</headers>[<Content-Length>..][<body>..]</event> as FreeSWITCH prints.
void serialize_xml(const Event& event, std::string& out);

void serialize(const Event& event, protocol::EventFormat format, std::string& out);

}  // namespace es::core
