// Fuzzes CommandParser: the input is parsed once in one feed and once in fragments whose sizes
// come from the input; both must give the same packets, and every packet must obey the
// framing rules of docs/wire-protocol.md §1.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "fuzz_plan.hpp"
#include "protocol/command_parser.hpp"

namespace {

using es::protocol::CommandPacket;
using es::protocol::CommandParser;
using es::protocol::ParserLimits;
using es::protocol::ParseStatus;

void require(bool condition) {
  if (!condition) std::abort();
}

void check_packet(const CommandPacket& packet, const ParserLimits& limits) {
  require(packet.raw.size() <= limits.max_header_block);
  require(packet.raw.find('\0') == std::string::npos);
  require(packet.raw.compare(0, packet.command.size(), packet.command) == 0);
  require(packet.command.find_first_of("\r\n") == std::string::npos);
  require(packet.body.size() <= limits.max_body);
  require(packet.body.find('\0') == std::string::npos);
  for (const auto& field : packet.headers) {
    require(!field.value.empty());
    require(field.value.front() != ' ');
    require(field.name.find(':') == std::string::npos);
    require(field.name.find_first_of("\r\n") == std::string::npos);
    require(field.value.find_first_of("\r\n") == std::string::npos);
  }
}

struct Run {
  std::vector<CommandPacket> packets;
  bool failed = false;
  bool mid_packet = false;
};

void drain(CommandParser& parser, Run& run, const ParserLimits& limits) {
  if (run.failed) return;
  CommandPacket packet;
  for (;;) {
    ParseStatus status = parser.next(packet);
    if (status == ParseStatus::kNeedMore) return;
    if (status == ParseStatus::kBodyTooLarge) {
      run.failed = true;
      require(parser.next(packet) == ParseStatus::kBodyTooLarge);
      return;
    }
    check_packet(packet, limits);
    run.packets.push_back(packet);
  }
}

bool same_packets(const std::vector<CommandPacket>& a, const std::vector<CommandPacket>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].command != b[i].command || a[i].raw != b[i].raw || a[i].body != b[i].body ||
        !es::fuzz::same_fields(a[i].headers, b[i].headers)) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* input, std::size_t size) {
  es::fuzz::FuzzPlan plan = es::fuzz::read_plan(input, size);

  Run whole;
  CommandParser whole_parser(plan.limits);
  whole_parser.feed(plan.data);
  drain(whole_parser, whole, plan.limits);
  whole.mid_packet = whole_parser.mid_packet();
  require(whole_parser.buffered_bytes() <= plan.data.size());

  Run pieces;
  CommandParser piece_parser(plan.limits);
  std::size_t pos = 0;
  for (std::size_t i = 0; pos < plan.data.size(); ++i) {
    std::size_t length = plan.fragment(i);
    piece_parser.feed(plan.data.substr(pos, length));
    drain(piece_parser, pieces, plan.limits);
    pos += length;
  }
  pieces.mid_packet = piece_parser.mid_packet();

  require(whole.failed == pieces.failed);
  require(whole.mid_packet == pieces.mid_packet);
  require(same_packets(whole.packets, pieces.packets));
  if (!whole.failed) require(whole_parser.buffered_bytes() == piece_parser.buffered_bytes());
  return 0;
}
