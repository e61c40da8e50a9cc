// Incremental parser for the packets a client sends to the event socket (protocol.md 2.1).
// Fed byte fragments of any size; never throws on bad input; limits come from the caller.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace es::protocol {

struct HeaderField {
  std::string name;
  std::string value;
};

// Finds the first header with `name` (case-insensitive), or nullptr.
const std::string* find_header(const std::vector<HeaderField>& headers, std::string_view name);

struct CommandPacket {
  // The first line of the packet without its line ending: "api status", "sendmsg <uuid>"...
  std::string command;
  // The whole header block from the first line on, as received (FreeSWITCH's "Command"
  // pseudo-header). A few commands look past the first line (myevents format words).
  std::string raw;
  // Header lines after the first, in order; lines without ':' and empty values are dropped.
  std::vector<HeaderField> headers;
  // The body announced by Content-Length, cut at its first NUL byte as FreeSWITCH does.
  std::string body;

  const std::string* header(std::string_view name) const { return find_header(headers, name); }
};

struct ParserLimits {
  // A header block reaching this size is treated as terminated (FreeSWITCH: 10 MiB).
  std::size_t max_header_block = 10485760;
  // Largest accepted Content-Length (FreeSWITCH: 16 MiB); larger or negative is an error.
  std::size_t max_body = 16777216;
};

enum class ParseStatus {
  kNeedMore,      // no complete packet buffered yet
  kPacket,        // one packet was extracted
  kBodyTooLarge,  // Content-Length negative or over the limit: the connection must be dropped
};

class CommandParser {
 public:
  explicit CommandParser(ParserLimits limits = {});

  // Appends received bytes. Cheap: the bytes are only scanned by next().
  void feed(std::string_view bytes);

  // Extracts the next complete packet into `out`. Call repeatedly until kNeedMore.
  ParseStatus next(CommandPacket& out);

  // True when part of a packet is buffered (a started header block or a pending body).
  bool mid_packet() const;
  std::size_t buffered_bytes() const { return buffer_.size() - consumed_; }

 private:
  void compact();

  ParserLimits limits_;
  std::string buffer_;
  std::size_t consumed_ = 0;   // bytes of buffer_ already handed out
  std::size_t scan_pos_ = 0;   // where the search for the end of the header block resumes
  int newline_count_ = 0;      // LFs seen with only CRs between them (state kept across feeds)
  bool in_body_ = false;
  std::size_t body_needed_ = 0;
  CommandPacket pending_;      // header part of a packet whose body is still arriving
};

}  // namespace es::protocol
