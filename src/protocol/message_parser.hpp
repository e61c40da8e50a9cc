// Incremental parser for messages the server sends (used by clients and tests): a header
// block up to a blank line, then Content-Length bytes of body if that header is present.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "protocol/command_parser.hpp"

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
  ParseStatus next(Message& out);
  std::size_t buffered_bytes() const { return buffer_.size() - consumed_; }

 private:
  ParserLimits limits_;
  bool decode_;
  std::string buffer_;
  std::size_t consumed_ = 0;
};

// Parses a header block "Name: value\n..." (an event-plain body, say) into fields,
// URL-decoding values when asked; a "Content-Length" header splits off the rest as body.
Message parse_header_block(std::string_view block, bool url_decode_values);

}  // namespace es::protocol
