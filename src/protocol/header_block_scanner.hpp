// Incremental search for the end of a header block: two LF bytes with only CR bytes (or
// nothing) between them, so "\n\n", "\n\r\n" and "\r\n\r\n" all end a block
// (docs/wire-protocol.md §1). Shared by the command parser and the message parser.
#pragma once

#include <cstddef>
#include <cstring>
#include <string_view>

namespace es::protocol {

class HeaderBlockScanner {
 public:
  // Scans data[from, stop) continuing from the state left by earlier calls. Returns the index
  // just past the terminating LF, or std::string_view::npos when the block has not ended yet;
  // `from` is advanced to where the next call must resume.
  std::size_t scan(std::string_view data, std::size_t& from, std::size_t stop) {
    const char* bytes = data.data();
    std::size_t pos = from;
    while (pos < stop) {
      if (newlines_ == 0) {
        // Nothing but an LF can start a terminator: jump straight to the next one.
        const void* lf = std::memchr(bytes + pos, '\n', stop - pos);
        if (lf == nullptr) {
          pos = stop;
          break;
        }
        pos = static_cast<std::size_t>(static_cast<const char*>(lf) - bytes) + 1;
        newlines_ = 1;
        continue;
      }
      char c = bytes[pos++];
      if (c == '\n') {
        if (++newlines_ == 2) {
          newlines_ = 0;
          from = pos;
          return pos;
        }
      } else if (c != '\r') {
        newlines_ = 0;
      }
    }
    from = pos;
    return std::string_view::npos;
  }

  void reset() { newlines_ = 0; }

 private:
  int newlines_ = 0;  // LFs seen with only CRs between them
};

}  // namespace es::protocol
