// The position in JSON text that the hand-written readers (the client's text/event-json
// reader, httpivr's webhook documents) move through, and the moves they all make.
#pragma once

#include <cstddef>
#include <string_view>

namespace es::protocol {

class JsonCursor {
 public:
  explicit JsonCursor(std::string_view text) : text_(text) {}

 protected:
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  bool consume(char c) {
    if (at_end() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  // JSON's whitespace only (space, tab, LF, CR).
  void skip_space() {
    while (!at_end() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
                         text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace es::protocol
