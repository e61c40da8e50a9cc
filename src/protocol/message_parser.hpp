// Incremental parser for messages the server sends (used by clients and tests): a header
// block up to a blank line, then Content-Length bytes of body if that header is present.
// The block ends like a command packet's (two LFs with only CRs between), CR before LF is
// tolerated everywhere, stray CR/LF between messages are skipped, and a header block reaching
// max_header_block counts as terminated. Never throws on bad input.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "protocol/command_parser.hpp"
#include "protocol/frame_splitter.hpp"

namespace es::protocol {

struct Message {
  std::vector<HeaderField> headers;  // values URL-decoded when the parser was asked to
  std::string body;
  const std::string* header(std::string_view name) const { return find_header(headers, name); }
  std::string_view content_type() const;
};

class MessageParser {
 public:
  explicit MessageParser(ParserLimits limits = {}, bool url_decode_values = false);
  void feed(std::string_view bytes);
  // Extracts the next complete message; `out` holds one only when kPacket is returned.
  // kBodyTooLarge (Content-Length negative or over max_body) is final: the stream cannot be
  // resynchronized, so every later call returns it again and fed bytes are discarded.
  ParseStatus next(Message& out);
  std::size_t buffered_bytes() const { return splitter_.buffered_bytes(); }

 private:
  ParserLimits limits_;
  bool decode_;
  FrameSplitter splitter_;
  bool failed_ = false;
  Message pending_;  // headers of a message whose body is still arriving
};

// Parses a header block "Name: value\n..." (an event-plain body, say) into fields,
// URL-decoding values when asked. The block ends at the first empty line; when a
// "Content-Length" header was seen, everything after that empty line is the body (as ESL does:
// the inner length is not checked against it).
Message parse_header_block(std::string_view block, bool url_decode_values);

}  // namespace es::protocol
