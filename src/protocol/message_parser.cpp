#include "protocol/message_parser.hpp"

#include <algorithm>
#include <limits>

#include "protocol/escape.hpp"
#include "protocol/header_fields.hpp"

namespace es::protocol {

namespace {

// Takes the next LF-terminated line of `text` from `pos` (the last line may lack its LF) and
// strips CRs before the LF, so CRLF senders are understood.
std::string_view take_line(std::string_view text, std::size_t& pos) {
  std::size_t end = std::min(text.find('\n', pos), text.size());
  std::string_view line = text.substr(pos, end - pos);
  pos = end < text.size() ? end + 1 : end;
  while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// Adds the field of a "Name: value" line (spaces and tabs after the colon skipped); lines
// without a colon are ignored, as ESL ignores them. Empty values are kept.
void add_field(std::vector<HeaderField>& headers, std::string_view line, bool decode) {
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return;
  std::string_view value = line.substr(colon + 1);
  value.remove_prefix(std::min(value.find_first_not_of(" \t"), value.size()));
  headers.push_back(HeaderField{std::string(line.substr(0, colon)),
                                decode ? url_decode(value) : std::string(value)});
}

}  // namespace

std::string_view Message::content_type() const {
  const std::string* value = header("Content-Type");
  return value ? std::string_view(*value) : std::string_view();
}

MessageParser::MessageParser(ParserLimits limits, bool url_decode_values)
    : limits_(limits), decode_(url_decode_values), splitter_(limits.max_header_block) {}

void MessageParser::feed(std::string_view bytes) {
  if (!failed_) splitter_.feed(bytes);
}

ParseStatus MessageParser::next(Message& out) {
  if (failed_) return ParseStatus::kBodyTooLarge;
  std::string_view piece;
  switch (splitter_.next(piece)) {
    case FrameSplitter::Step::kNeedMore:
      return ParseStatus::kNeedMore;
    case FrameSplitter::Step::kBody:
      std::swap(out, pending_);
      out.body.assign(piece);
      return ParseStatus::kPacket;
    case FrameSplitter::Step::kBlock:
      break;
  }
  out.headers.clear();
  out.body.clear();
  for (std::size_t pos = 0; pos < piece.size();) {
    std::string_view line = take_line(piece, pos);
    if (!line.empty()) add_field(out.headers, line, decode_);
  }
  const std::string* length_text = out.header("Content-Length");
  long long length = length_text ? parse_c_integer(*length_text) : 0;
  if (length < 0 || static_cast<unsigned long long>(length) > limits_.max_body) {
    failed_ = true;
    splitter_.fail();
    return ParseStatus::kBodyTooLarge;
  }
  if (length == 0) return ParseStatus::kPacket;
  std::swap(out, pending_);
  splitter_.expect_body(static_cast<std::size_t>(length));
  return next(out);
}

Message parse_header_block(std::string_view block, bool url_decode_values) {
  Message message;
  std::size_t pos = 0;
  while (pos < block.size()) {
    std::string_view line = take_line(block, pos);
    if (line.empty()) break;
    add_field(message.headers, line, url_decode_values);
  }
  if (message.header("Content-Length") != nullptr) message.body.assign(block.substr(pos));
  return message;
}

}  // namespace es::protocol
