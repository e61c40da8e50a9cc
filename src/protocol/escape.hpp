// Escaping rules of the event socket wire formats: FreeSWITCH's URL encoding of header
// values, cJSON's string escaping and the XML printer's text escaping.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace es::protocol {

// Appends `in` URL-encoded as FreeSWITCH encodes plain event header values: bytes < 0x20,
// > 0x7E and the unsafe set (CR LF space # % & + : ; < = > ? @ [ \ ] ^ ` { | } ") become
// uppercase %XX, except that a '%' followed by two uppercase hex digits is copied as is.
void url_encode_append(std::string& out, std::string_view in);
// Same, but writes at most `max_output` bytes, stopping before a %XX that would not fit whole
// (FreeSWITCH encodes into a fixed buffer; the plain serializer reproduces its truncation).
void url_encode_append_limited(std::string& out, std::string_view in, std::size_t max_output);
std::string url_encode(std::string_view in);

// Decodes %XX sequences (either hex case); a malformed sequence is copied unchanged.
// '+' is left as is (FreeSWITCH never encodes a space as '+').
std::string url_decode(std::string_view in);

// Appends `in` escaped as the inside of a JSON string the way cJSON prints it.
void json_escape_append(std::string& out, std::string_view in);
// Appends `in` as a whole JSON string literal: the quotes and, between them, json_escape_append.
void json_string_append(std::string& out, std::string_view in);

// What json_unescape does with a \uXXXX naming half of a UTF-16 surrogate pair whose other
// half does not follow.
enum class LoneSurrogate {
  kReject,  // the string is invalid: cJSON's rule (the json API parses as FreeSWITCH does)
  kKeep,    // written as its own three-byte sequence: the client reads what a peer sent
};

// Decodes the JSON string literal whose opening quote is text[pos]: the escapes \" \\ \/ \b
// \f \n \r \t resolved, \uXXXX written as UTF-8 (a surrogate pair as one code point), every
// other byte copied as is. Returns the text and moves `pos` past the closing quote; nullopt when
// text[pos] is not '"', the literal is unterminated, an escape is unknown, a \u lacks four hex
// digits, or (kReject) a surrogate is lone; `pos` is then unspecified.
std::optional<std::string> json_unescape(std::string_view text, std::size_t& pos,
                                         LoneSurrogate lone);

// Appends `in` escaped as XML text as FreeSWITCH's XML printer does (docs/event-formats.md §4.3):
// & < > CR become entities, each multi-byte UTF-8 character becomes &#x<HEX>; (malformed
// sequences are dropped), and from a "<!" onward the rest is copied unescaped.
void xml_escape_append(std::string& out, std::string_view in);

}  // namespace es::protocol
