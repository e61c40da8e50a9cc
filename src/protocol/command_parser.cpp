#include "protocol/command_parser.hpp"

#include <algorithm>
#include <limits>

#include "protocol/header_fields.hpp"

namespace es::protocol {

namespace {

bool is_line_end(char c) {
  return c == '\r' || c == '\n';
}

// Stores `value` into the field at `index`, reusing its storage when the vector already has one.
void put_header(std::vector<HeaderField>& headers, std::size_t index, std::string_view name,
                std::string_view value) {
  if (index < headers.size()) {
    headers[index].name.assign(name);
    headers[index].value.assign(value);
  } else {
    headers.push_back(HeaderField{std::string(name), std::string(value)});
  }
}

}  // namespace

CommandParser::CommandParser(ParserLimits limits)
    : limits_(limits), splitter_(limits.max_header_block) {}

void CommandParser::feed(std::string_view bytes) {
  if (!failed_) splitter_.feed(bytes);
}

bool CommandParser::mid_packet() const {
  return !failed_ && splitter_.mid_frame();
}

long long CommandParser::parse_block(std::string_view block, CommandPacket& out) const {
  // FreeSWITCH keeps the block as a C string: whatever follows a NUL byte is invisible.
  block = block.substr(0, block.find('\0'));
  out.raw.assign(block);
  std::size_t pos = std::min(block.find_first_of("\r\n"), block.size());
  out.command.assign(block.substr(0, pos));
  out.body.clear();

  std::size_t header_count = 0;
  bool content_length_seen = false;
  long long content_length = 0;
  while (pos < block.size()) {
    while (pos < block.size() && is_line_end(block[pos])) ++pos;
    if (pos == block.size()) break;
    std::size_t end = std::min(block.find_first_of("\r\n", pos), block.size());
    std::string_view line = block.substr(pos, end - pos);
    pos = end;
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = line.substr(0, colon);
    std::string_view value = line.substr(colon + 1);
    value.remove_prefix(std::min(value.find_first_not_of(' '), value.size()));
    if (!content_length_seen && iequals(name, "content-length")) {
      content_length_seen = true;
      long long length = parse_c_integer(value);
      if (length < 0 || static_cast<unsigned long long>(length) > limits_.max_body) return -1;
      content_length = length;
    }
    if (value.empty()) continue;
    put_header(out.headers, header_count++, name, value);
  }
  out.headers.resize(header_count);
  return content_length;
}

ParseStatus CommandParser::next(CommandPacket& out) {
  if (failed_) return ParseStatus::kBodyTooLarge;
  std::string_view piece;
  switch (splitter_.next(piece)) {
    case FrameSplitter::Step::kNeedMore:
      return ParseStatus::kNeedMore;
    case FrameSplitter::Step::kBody:
      std::swap(out, pending_);
      out.body.assign(piece.substr(0, piece.find('\0')));
      return ParseStatus::kPacket;
    case FrameSplitter::Step::kBlock:
      break;
  }
  long long body_length = parse_block(piece, out);
  if (body_length < 0) {
    failed_ = true;
    splitter_.fail();
    return ParseStatus::kBodyTooLarge;
  }
  if (body_length == 0) return ParseStatus::kPacket;
  // Park the headers until the body has arrived in full.
  std::swap(out, pending_);
  splitter_.expect_body(static_cast<std::size_t>(body_length));
  return next(out);
}

const std::string* find_header(const std::vector<HeaderField>& headers, std::string_view name) {
  for (const HeaderField& field : headers) {
    if (iequals(field.name, name)) return &field.value;
  }
  return nullptr;
}

}  // namespace es::protocol
