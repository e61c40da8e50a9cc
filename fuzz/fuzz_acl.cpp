// Fuzzes ACL parsing (docs/wire-protocol.md §9.2): CIDRs and comma lists, host/mask pairs, address
// checks against a list and against apply-inbound-acl entries. Fields: cidrs, host, mask, address,
// acl entry. Flags: bit 0 allow, bit 1 the list's default.
#include <asio/ip/address.hpp>

#include <cstdint>
#include <string>

#include "eventsocket/acl.hpp"
#include "fuzz_fields.hpp"

using es::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* input, std::size_t size) {
  auto in = es::fuzz::read_fields<5>(input, size);
  bool allow = (in.flags & 1) != 0;

  if (auto range = es::eventsocket::parse_cidr(in.field[0])) {
    require(range->bits <= (range->v6 ? 128u : 32u));
  }
  if (auto range = es::eventsocket::parse_host_mask(in.field[1], in.field[2])) {
    require(!range->v6 && range->bits <= 32);
  }

  es::eventsocket::NetworkList list("fuzz", (in.flags & 2) != 0);
  list.add_cidr(in.field[0], allow, "user@domain");
  list.add_host_mask(in.field[1], in.field[2], allow);

  asio::error_code ec;
  auto address = asio::ip::make_address(std::string(in.field[3]), ec);
  if (ec) return 0;
  std::string token;
  (void)list.allows(address, &token);
  for (const auto& node : list.nodes()) (void)node.range.contains(address);

  static const auto builtin =
      es::eventsocket::NetworkLists::build(nullptr, es::eventsocket::LocalNetworkGuess{});
  (void)builtin->check(address, in.field[4]);
  (void)builtin->allows(address, {std::string(in.field[4]), std::string(in.field[0])});
  return 0;
}
