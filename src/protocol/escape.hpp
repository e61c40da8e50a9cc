// Escaping rules of the event socket wire formats: FreeSWITCH's URL encoding of header
// values, cJSON's string escaping and the XML printer's text escaping.
#pragma once

#include <string>
#include <string_view>

namespace es::protocol {

// Appends `in` URL-encoded as FreeSWITCH encodes plain event header values: bytes < 0x20,
// > 0x7E and the unsafe set (CR LF space # % & + : ; < = > ? @ [ \ ] ^ ` { | } ") become
// uppercase %XX, except that a '%' followed by two uppercase hex digits is copied as is.
void url_encode_append(std::string& out, std::string_view in);
std::string url_encode(std::string_view in);

// Decodes %XX sequences (either hex case); a malformed sequence is copied unchanged.
// '+' is left as is (FreeSWITCH never encodes a space as '+').
std::string url_decode(std::string_view in);

// Appends `in` escaped as the inside of a JSON string the way cJSON prints it.
void json_escape_append(std::string& out, std::string_view in);

// Appends `in` escaped as XML text the way FreeSWITCH's XML printer does (see events.md 5.3).
void xml_escape_append(std::string& out, std::string_view in);

}  // namespace es::protocol
