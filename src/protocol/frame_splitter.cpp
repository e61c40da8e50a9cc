#include "protocol/frame_splitter.hpp"

#include <algorithm>
#include <limits>

namespace es::protocol {
namespace {

// Compacting earlier than this would copy small buffers over and over for nothing.
constexpr std::size_t kCompactThreshold = 4096;
// An emptied buffer larger than this is freed instead of kept (after one large packet an idle
// connection goes back to holding next to nothing).
constexpr std::size_t kKeepBufferBytes = 16384;

bool is_line_end(char c) {
  return c == '\r' || c == '\n';
}

}  // namespace

FrameSplitter::FrameSplitter(std::size_t max_header_block) {
  set_max_header_block(max_header_block);
}

void FrameSplitter::set_max_header_block(std::size_t max_header_block) {
  // A cap of 0 behaves like FreeSWITCH's: the check runs after a byte was stored.
  max_header_block_ = std::max<std::size_t>(max_header_block, 1);
}

void FrameSplitter::feed(std::string_view bytes) {
  if (failed_) return;
  compact();
  buffer_.append(bytes);
}

void FrameSplitter::compact() {
  if (consumed_ == buffer_.size()) {
    if (buffer_.capacity() > kKeepBufferBytes) {
      std::string().swap(buffer_);
    } else {
      buffer_.clear();
    }
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

FrameSplitter::Step FrameSplitter::next(std::string_view& out) {
  if (failed_) return Step::kNeedMore;
  compact();
  if (in_body_) {
    if (buffer_.size() - consumed_ < body_needed_) return Step::kNeedMore;
    out = std::string_view(buffer_.data() + consumed_, body_needed_);
    consumed_ += body_needed_;
    scan_pos_ = consumed_;
    in_body_ = false;
    body_needed_ = 0;
    return Step::kBody;
  }
  if (scan_pos_ == consumed_) {
    // No block started yet: stray CR/LF between frames are dropped.
    while (consumed_ < buffer_.size() && is_line_end(buffer_[consumed_])) ++consumed_;
    scan_pos_ = consumed_;
  }
  std::size_t cap_end =
      consumed_ + std::min(max_header_block_, std::numeric_limits<std::size_t>::max() - consumed_);
  std::size_t block_end = scanner_.scan(buffer_, scan_pos_, std::min(buffer_.size(), cap_end));
  last_block_capped_ = false;
  if (block_end == std::string::npos) {
    if (scan_pos_ < cap_end) return Step::kNeedMore;
    // The cap was reached: the block counts as terminated right here.
    scanner_.reset();
    block_end = cap_end;
    last_block_capped_ = true;
  }
  out = std::string_view(buffer_.data() + consumed_, block_end - consumed_);
  consumed_ = block_end;
  scan_pos_ = block_end;
  return Step::kBlock;
}

void FrameSplitter::expect_body(std::size_t length) {
  in_body_ = true;
  body_needed_ = length;
}

void FrameSplitter::fail() {
  failed_ = true;
  buffer_.clear();
  buffer_.shrink_to_fit();
  consumed_ = scan_pos_ = 0;
  in_body_ = false;
}

bool FrameSplitter::mid_frame() const {
  if (failed_) return false;
  if (in_body_) return true;
  // Unscanned leading CR/LF bytes would be dropped by next(); anything else starts a block.
  return buffer_.find_first_not_of("\r\n", consumed_) != std::string::npos;
}

}  // namespace es::protocol
