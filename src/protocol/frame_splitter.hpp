// The state machine both parsers share: a byte stream cut into header blocks (ended by two LFs
// with only CRs between them, or by the size cap) and the bodies announced after them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "protocol/header_block_scanner.hpp"

namespace es::protocol {

class FrameSplitter {
 public:
  explicit FrameSplitter(std::size_t max_header_block);

  void feed(std::string_view bytes);
  void set_max_header_block(std::size_t max_header_block);

  enum class Step { kNeedMore, kBlock, kBody };
  // Waiting for a header block: stray CR/LF before it are dropped and kBlock hands out the
  // block. Waiting for a body (after expect_body): kBody hands out its bytes once all arrived.
  // The view stays valid until the next call to feed() or next().
  Step next(std::string_view& out);
  // The block just handed out announced `length` body bytes (> 0).
  void expect_body(std::size_t length);
  // Drops everything buffered; further input is ignored.
  void fail();

  // The block handed out last was cut at the size cap (it had no end of its own).
  bool last_block_capped() const { return last_block_capped_; }

  // A block has started (a byte other than CR/LF is buffered) or a body is pending.
  bool mid_frame() const;
  std::size_t buffered_bytes() const { return buffer_.size() - consumed_; }
  std::size_t capacity() const { return buffer_.capacity(); }

 private:
  void compact();

  std::size_t max_header_block_ = 1;
  std::string buffer_;
  std::size_t consumed_ = 0;  // bytes of buffer_ already handed out
  std::size_t scan_pos_ = 0;  // where the search for the end of the header block resumes
  HeaderBlockScanner scanner_;
  bool in_body_ = false;
  bool failed_ = false;
  bool last_block_capped_ = false;
  std::size_t body_needed_ = 0;
};

}  // namespace es::protocol
