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

// A packet object holding more than this after use is emptied rather than kept for reuse.
constexpr std::size_t kKeepPacketBytes = 8192;

std::size_t heap_bytes(const std::string& text) {
  // Short strings live inside the object (small-string optimisation).
  return text.capacity() > 15 ? text.capacity() : 0;
}

std::size_t footprint(const CommandPacket& packet) {
  std::size_t bytes = heap_bytes(packet.command) + heap_bytes(packet.raw) +
                      heap_bytes(packet.body) + packet.headers.capacity() * sizeof(HeaderField);
  for (const HeaderField& field : packet.headers) {
    bytes += heap_bytes(field.name) + heap_bytes(field.value);
  }
  return bytes;
}

void release_if_large(CommandPacket& packet) {
  if (footprint(packet) <= kKeepPacketBytes) return;
  // Swapped, not assigned: a moved-in empty string would keep the old string's buffer.
  CommandPacket released;
  std::swap(packet, released);
}

}  // namespace

CommandParser::CommandParser(ParserLimits limits)
    : limits_(limits), splitter_(limits.max_header_block) {}

void CommandParser::set_limits(ParserLimits limits) {
  limits_ = limits;
  splitter_.set_max_header_block(limits.max_header_block);
}

std::size_t CommandParser::retained_bytes() const {
  return splitter_.capacity() + footprint(pending_);
}

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
  out.dropped_headers = 0;

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
    if (header_count == limits_.max_header_lines) {
      ++out.dropped_headers;
      continue;
    }
    put_header(out.headers, header_count++, name, value);
  }
  out.headers.resize(header_count);
  return content_length;
}

ParseStatus CommandParser::next(CommandPacket& out) {
  if (failed_) return ParseStatus::kBodyTooLarge;
  // The caller is done with whatever `out` held.
  release_if_large(out);
  std::string_view piece;
  switch (splitter_.next(piece)) {
    case FrameSplitter::Step::kNeedMore:
      return ParseStatus::kNeedMore;
    case FrameSplitter::Step::kBody:
      std::swap(out, pending_);
      out.body.assign(piece.substr(0, piece.find('\0')));
      release_if_large(pending_);
      return ParseStatus::kPacket;
    case FrameSplitter::Step::kBlock:
      break;
  }
  long long body_length = parse_block(piece, out);
  out.block_capped = splitter_.last_block_capped();
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
