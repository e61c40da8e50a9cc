// Incremental parser for the packets a client sends to the event socket (docs/wire-protocol.md §1).
// Fed byte fragments of any size; never throws on bad input; limits come from the caller.
//
// Deliberate differences from FreeSWITCH's read_packet (everything else is reproduced):
// * Only the first Content-Length line of a packet is interpreted (range check and body);
//   FreeSWITCH reads one body per Content-Length line, which lets one packet swallow the next.
// * A line ends at the first CR or LF, and runs of CR/LF are skipped. FreeSWITCH looks for a CR
//   anywhere in the rest of the block before it looks for an LF, which drops header lines when
//   LF-only lines are followed by a CRLF line; for consistent line endings the result is the same.
// * Content-Length values beyond the range of int saturate (and so are rejected as too large)
//   instead of wrapping around as C's atoi does.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/frame_splitter.hpp"

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
  // Header lines past ParserLimits::max_header_lines: counted, not stored (their
  // Content-Length is still honoured, so the packet is framed as FreeSWITCH frames it).
  std::size_t dropped_headers = 0;
  // The header block reached ParserLimits::max_header_block and was cut there (FreeSWITCH
  // treats such a block as complete; a caller may prefer to refuse it).
  bool block_capped = false;

  const std::string* header(std::string_view name) const { return find_header(headers, name); }
};

struct ParserLimits {
  // A header block reaching this size is treated as terminated (FreeSWITCH: 10 MiB).
  std::size_t max_header_block = 10485760;
  // Largest accepted Content-Length (FreeSWITCH: 16 MiB); larger or negative is an error.
  std::size_t max_body = 16777216;
  // Header lines stored per packet; the rest only counts in CommandPacket::dropped_headers, so a
  // block of millions of short lines cannot become millions of allocated fields.
  std::size_t max_header_lines = 4096;
};

enum class ParseStatus {
  kNeedMore,      // no complete packet buffered yet
  kPacket,        // one packet was extracted
  kBodyTooLarge,  // Content-Length negative or over the limit: the connection must be dropped
};

class CommandParser {
 public:
  explicit CommandParser(ParserLimits limits = {});

  // New limits from the next header block on (a block being scanned gets the new cap too).
  void set_limits(ParserLimits limits);

  // Appends received bytes. Cheap: the bytes are only scanned by next().
  void feed(std::string_view bytes);

  // Extracts the next complete packet into `out`. Call repeatedly until kNeedMore. `out` holds
  // a packet only when kPacket is returned. After kBodyTooLarge the parser stays failed: every
  // later call returns kBodyTooLarge and fed bytes are discarded. When `out` is reused after
  // holding a large packet its storage is freed first, so an idle connection keeps no trace of
  // its largest packet.
  ParseStatus next(CommandPacket& out);

  // True when part of a packet is buffered (a started header block or a pending body); blank
  // lines waiting to be discarded do not count.
  bool mid_packet() const;
  std::size_t buffered_bytes() const { return splitter_.buffered_bytes(); }
  // Heap bytes kept between packets (input buffer and the parked packet), for tests.
  std::size_t retained_bytes() const;

 private:
  // Parses a finished header block into `out`; returns the Content-Length to read (0: none),
  // or a negative number when the value is out of range.
  long long parse_block(std::string_view block, CommandPacket& out) const;

  ParserLimits limits_;
  FrameSplitter splitter_;
  bool failed_ = false;
  CommandPacket pending_;  // header part of a packet whose body is still arriving
};

}  // namespace es::protocol
