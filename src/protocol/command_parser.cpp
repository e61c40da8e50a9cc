#include "protocol/command_parser.hpp"

#include <algorithm>
#include <limits>

#include "protocol/header_fields.hpp"

namespace es::protocol {

namespace {

// Compacting earlier than this would copy small buffers over and over for nothing.
constexpr std::size_t kCompactThreshold = 4096;

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

CommandParser::CommandParser(ParserLimits limits) : limits_(limits) {
  // A cap of 0 behaves like FreeSWITCH's: the check runs after a byte was stored.
  limits_.max_header_block = std::max<std::size_t>(limits_.max_header_block, 1);
}

void CommandParser::feed(std::string_view bytes) {
  if (failed_) return;
  compact();
  buffer_.append(bytes);
}

bool CommandParser::mid_packet() const {
  if (failed_) return false;
  if (in_body_) return true;
  // Unscanned leading CR/LF bytes would be discarded by next(); anything else starts a block.
  return buffer_.find_first_not_of("\r\n", consumed_) != std::string::npos;
}

void CommandParser::compact() {
  if (consumed_ == buffer_.size()) {
    buffer_.clear();
    consumed_ = 0;
    scan_pos_ = 0;
    return;
  }
  // Erasing only once the consumed prefix is at least half the buffer keeps the copying
  // amortized linear in the input.
  if (consumed_ >= kCompactThreshold && consumed_ * 2 >= buffer_.size()) {
    buffer_.erase(0, consumed_);
    scan_pos_ -= consumed_;
    consumed_ = 0;
  }
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

  if (!in_body_) {
    if (scan_pos_ == consumed_) {
      // No block started yet: stray CR/LF between packets are dropped.
      while (consumed_ < buffer_.size() && is_line_end(buffer_[consumed_])) ++consumed_;
      scan_pos_ = consumed_;
    }
    std::size_t cap_end = consumed_ + std::min(limits_.max_header_block,
                                               std::numeric_limits<std::size_t>::max() - consumed_);
    std::size_t stop = std::min(buffer_.size(), cap_end);
    std::size_t block_end = scanner_.scan(buffer_, scan_pos_, stop);
    if (block_end == std::string::npos) {
      if (scan_pos_ < cap_end) {
        compact();
        return ParseStatus::kNeedMore;
      }
      // The cap was reached: the block counts as terminated right here.
      scanner_.reset();
      block_end = cap_end;
    }
    std::string_view block(buffer_.data() + consumed_, block_end - consumed_);
    long long body_length = parse_block(block, out);
    consumed_ = block_end;
    scan_pos_ = block_end;
    if (body_length < 0) {
      failed_ = true;
      buffer_.clear();
      buffer_.shrink_to_fit();
      consumed_ = scan_pos_ = 0;
      return ParseStatus::kBodyTooLarge;
    }
    if (body_length == 0) {
      compact();
      return ParseStatus::kPacket;
    }
    // Park the headers until the body has arrived in full.
    std::swap(out, pending_);
    in_body_ = true;
    body_needed_ = static_cast<std::size_t>(body_length);
  }

  if (buffer_.size() - consumed_ < body_needed_) {
    compact();
    return ParseStatus::kNeedMore;
  }
  std::swap(out, pending_);
  std::string_view body(buffer_.data() + consumed_, body_needed_);
  out.body.assign(body.substr(0, body.find('\0')));
  consumed_ += body_needed_;
  scan_pos_ = consumed_;
  in_body_ = false;
  body_needed_ = 0;
  compact();
  return ParseStatus::kPacket;
}

const std::string* find_header(const std::vector<HeaderField>& headers, std::string_view name) {
  for (const HeaderField& field : headers) {
    if (iequals(field.name, name)) return &field.value;
  }
  return nullptr;
}

}  // namespace es::protocol
