#include "protocol/message_parser.hpp"

#include <algorithm>
#include <limits>

#include "protocol/escape.hpp"
#include "protocol/header_fields.hpp"

namespace es::protocol {

namespace {

constexpr std::size_t kCompactThreshold = 4096;

bool is_line_end(char c) {
  return c == '\r' || c == '\n';
}

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
    : limits_(limits), decode_(url_decode_values) {
  limits_.max_header_block = std::max<std::size_t>(limits_.max_header_block, 1);
}

void MessageParser::feed(std::string_view bytes) {
  if (failed_) return;
  compact();
  buffer_.append(bytes);
}

void MessageParser::compact() {
  if (consumed_ == buffer_.size()) {
    buffer_.clear();
    consumed_ = 0;
    scan_pos_ = 0;
    return;
  }
  if (consumed_ >= kCompactThreshold && consumed_ * 2 >= buffer_.size()) {
    buffer_.erase(0, consumed_);
    scan_pos_ -= consumed_;
    consumed_ = 0;
  }
}

ParseStatus MessageParser::next(Message& out) {
  if (failed_) return ParseStatus::kBodyTooLarge;

  if (!in_body_) {
    if (scan_pos_ == consumed_) {
      while (consumed_ < buffer_.size() && is_line_end(buffer_[consumed_])) ++consumed_;
      scan_pos_ = consumed_;
    }
    std::size_t cap_end = consumed_ + std::min(limits_.max_header_block,
                                               std::numeric_limits<std::size_t>::max() - consumed_);
    std::size_t block_end = scanner_.scan(buffer_, scan_pos_, std::min(buffer_.size(), cap_end));
    if (block_end == std::string::npos) {
      if (scan_pos_ < cap_end) {
        compact();
        return ParseStatus::kNeedMore;
      }
      scanner_.reset();
      block_end = cap_end;
    }
    std::string_view block(buffer_.data() + consumed_, block_end - consumed_);
    out.headers.clear();
    out.body.clear();
    for (std::size_t pos = 0; pos < block.size();) {
      std::string_view line = take_line(block, pos);
      if (!line.empty()) add_field(out.headers, line, decode_);
    }
    consumed_ = block_end;
    scan_pos_ = block_end;

    const std::string* length_text = out.header("Content-Length");
    long long length = length_text ? parse_c_integer(*length_text) : 0;
    if (length < 0 || static_cast<unsigned long long>(length) > limits_.max_body) {
      failed_ = true;
      buffer_.clear();
      buffer_.shrink_to_fit();
      consumed_ = scan_pos_ = 0;
      return ParseStatus::kBodyTooLarge;
    }
    if (length == 0) {
      compact();
      return ParseStatus::kPacket;
    }
    std::swap(out, pending_);
    in_body_ = true;
    body_needed_ = static_cast<std::size_t>(length);
  }

  if (buffer_.size() - consumed_ < body_needed_) {
    compact();
    return ParseStatus::kNeedMore;
  }
  std::swap(out, pending_);
  out.body.assign(buffer_, consumed_, body_needed_);
  consumed_ += body_needed_;
  scan_pos_ = consumed_;
  in_body_ = false;
  body_needed_ = 0;
  compact();
  return ParseStatus::kPacket;
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
