// Network lists (ACLs) as FreeSWITCH evaluates them (docs/wire-protocol.md §9.2): the built-in
// *.auto lists, the lists of acl.conf, and apply-inbound-acl entries that are list names or CIDRs.
#pragma once

#include <asio/ip/address.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/global_vars.hpp"
#include "core/xml_config.hpp"

namespace es::eventsocket {

// One address range. IPv4 ranges use the first 4 bytes of `network`/`mask`.
struct NetworkRange {
  bool v6 = false;
  std::array<std::uint8_t, 16> network{};
  std::array<std::uint8_t, 16> mask{};
  unsigned bits = 0;

  // switch_test_subnet: a zero mask matches only the exact network address, unless the network
  // is all zeros too (then everything of the family matches).
  bool contains(const asio::ip::address& address) const;
};

// "a.b.c.d/n" or "v6addr/n"; an IPv4-mapped "::ffff:a.b.c.d/n" becomes IPv4. The prefix length
// is read like atoi ("/8x" is 8, "/" is 0) and must fit the family.
std::optional<NetworkRange> parse_cidr(std::string_view text);
// IPv4 host and dotted mask ("192.168.0.0", "255.255.0.0"); the prefix length is the number of
// set mask bits.
std::optional<NetworkRange> parse_host_mask(std::string_view host, std::string_view mask);

class NetworkList {
 public:
  struct Node {
    NetworkRange range;
    bool allow = false;
    std::string token;  // "user@domain" for nodes taken from the directory
    std::string text;   // as configured, for messages
  };

  NetworkList(std::string name, bool default_allow)
      : name_(std::move(name)), default_allow_(default_allow) {}

  // Adds one CIDR or a comma-separated list; false when any part is invalid (the valid ones
  // are still added).
  bool add_cidr(std::string_view cidrs, bool allow, std::string_view token = {});
  bool add_host_mask(std::string_view host, std::string_view mask, bool allow);

  // The longest matching prefix of the address's family decides; among equally long ones the
  // node added first (FreeSWITCH prepends nodes and lets later-visited equal prefixes
  // override). No match: the list's default.
  bool allows(const asio::ip::address& address, std::string* token = nullptr) const;

  const std::string& name() const { return name_; }
  bool default_allow() const { return default_allow_; }
  const std::vector<Node>& nodes() const { return nodes_; }

 private:
  std::string name_;
  bool default_allow_;
  std::vector<Node> nodes_;  // in the order added
};

// The IPv4 address and netmask FreeSWITCH guesses for "the local network".
struct LocalNetworkGuess {
  std::string address = "127.0.0.1";
  std::string mask = "0.0.0.0";
};
// Global force_local_ip_v4 (mask 0.0.0.0) if set; else the source address of the IPv4 default
// route and its interface's netmask (getifaddrs); else 127.0.0.1 / 0.0.0.0.
LocalNetworkGuess guess_local_network(const core::GlobalVars& globals);

// Every named network list. Immutable once built; rebuild and swap on reloadxml.
class NetworkLists {
 public:
  // Built-in lists, then acl.conf's <network-lists> from `config` (if any); a list with the
  // name of an earlier one replaces it. Problems (bad CIDRs, unknown domains) go to `warnings`.
  static std::shared_ptr<const NetworkLists> build(const core::XmlConfig* config,
                                                   const LocalNetworkGuess& local,
                                                   std::vector<std::string>* warnings = nullptr);

  const NetworkList* find(std::string_view name) const;  // case-sensitive, like FreeSWITCH
  // One apply-inbound-acl entry: a list name; else, if it contains '/', a CIDR or a comma list
  // of CIDRs that allows addresses inside any of them; otherwise denied.
  bool check(const asio::ip::address& peer, std::string_view acl) const;
  // Every entry must allow. An empty set of entries allows everyone.
  bool allows(const asio::ip::address& peer, const std::vector<std::string>& acls) const;

 private:
  void add(NetworkList list);
  std::map<std::string, NetworkList, std::less<>> lists_;
};

}  // namespace es::eventsocket
