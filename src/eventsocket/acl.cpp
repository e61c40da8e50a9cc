#include "eventsocket/acl.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <cstring>

#include "core/text/text.hpp"
#include "protocol/ascii.hpp"

namespace es::eventsocket {
namespace {

// FreeSWITCH checks IPv4-mapped IPv6 peers as the IPv4 address they carry.
asio::ip::address unmapped(const asio::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  }
  return address;
}

std::string_view trim_spaces(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

std::string_view strip_v4_mapped_prefix(std::string_view text) {
  if (protocol::istarts_with(text, "::ffff:")) text.remove_prefix(7);
  return text;
}

}  // namespace

bool NetworkRange::contains(const asio::ip::address& raw) const {
  asio::ip::address address = unmapped(raw);
  if (address.is_v6() != v6) return false;
  std::array<std::uint8_t, 16> ip{};
  std::size_t size = v6 ? 16 : 4;
  if (v6) {
    ip = address.to_v6().to_bytes();
  } else {
    auto b = address.to_v4().to_bytes();
    std::copy(b.begin(), b.end(), ip.begin());
  }
  bool mask_zero = std::all_of(mask.begin(), mask.begin() + size, [](auto b) { return b == 0; });
  if (!mask_zero) {
    for (std::size_t i = 0; i < size; ++i) {
      if ((ip[i] & mask[i]) != (network[i] & mask[i])) return false;
    }
    return true;
  }
  bool network_zero =
      std::all_of(network.begin(), network.begin() + size, [](auto b) { return b == 0; });
  return network_zero || std::equal(ip.begin(), ip.begin() + size, network.begin());
}

std::optional<NetworkRange> parse_cidr(std::string_view text) {
  text = strip_v4_mapped_prefix(text);
  auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string host(text.substr(0, slash));
  std::string bits_text(text.substr(slash + 1));
  long bits = std::strtol(bits_text.c_str(), nullptr, 10);
  NetworkRange range;
  range.v6 = text.find(':') != std::string_view::npos;
  if (bits < 0 || bits > (range.v6 ? 128 : 32)) return std::nullopt;
  if (inet_pton(range.v6 ? AF_INET6 : AF_INET, host.c_str(), range.network.data()) != 1) {
    return std::nullopt;
  }
  range.bits = static_cast<unsigned>(bits);
  unsigned left = range.bits;
  for (auto& byte : range.mask) {
    unsigned take = std::min(left, 8u);
    byte = static_cast<std::uint8_t>(0xFF00u >> take);
    left -= take;
  }
  return range;
}

std::optional<NetworkRange> parse_host_mask(std::string_view host, std::string_view mask) {
  NetworkRange range;
  std::string host_text(host), mask_text(mask);
  if (inet_pton(AF_INET, host_text.c_str(), range.network.data()) != 1 ||
      inet_pton(AF_INET, mask_text.c_str(), range.mask.data()) != 1) {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < 4; ++i) range.bits += std::popcount(range.mask[i]);
  return range;
}

bool NetworkList::add_cidr(std::string_view cidrs, bool allow, std::string_view token) {
  bool all_valid = true;
  while (true) {
    auto comma = cidrs.find(',');
    std::string_view part = trim_spaces(cidrs.substr(0, comma));
    if (auto range = parse_cidr(part)) {
      nodes_.push_back({*range, allow, std::string(token), std::string(part)});
    } else {
      all_valid = false;
    }
    if (comma == std::string_view::npos) break;
    cidrs.remove_prefix(comma + 1);
  }
  return all_valid;
}

bool NetworkList::add_host_mask(std::string_view host, std::string_view mask, bool allow) {
  auto range = parse_host_mask(host, mask);
  if (!range) return false;
  nodes_.push_back({*range, allow, {}, std::string(host) + ":" + std::string(mask)});
  return true;
}

bool NetworkList::allows(const asio::ip::address& raw, std::string* token) const {
  asio::ip::address address = unmapped(raw);
  const Node* best = nullptr;
  for (const Node& node : nodes_) {
    if (!node.range.contains(address)) continue;
    if (!best || node.range.bits > best->range.bits) best = &node;
  }
  if (!best) return default_allow_;
  if (token) *token = best->token;
  return best->allow;
}

LocalNetworkGuess guess_local_network(const core::GlobalVars& globals) {
  LocalNetworkGuess guess;
  if (auto forced = globals.get("force_local_ip_v4"); forced && !forced->empty()) {
    guess.address = *forced;
    return guess;
  }
  // The source address the kernel would pick for a public destination; connecting a UDP
  // socket sends nothing.
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return guess;
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_port = htons(4242);
  inet_pton(AF_INET, "82.45.148.209", &remote.sin_addr);
  sockaddr_in local{};
  socklen_t length = sizeof(local);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof(remote)) == 0 &&
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) == 0 &&
            local.sin_addr.s_addr != 0;
  ::close(fd);
  if (!ok) return guess;
  char text[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &local.sin_addr, text, sizeof(text));
  guess.address = text;
  ifaddrs* interfaces = nullptr;
  if (::getifaddrs(&interfaces) == 0) {
    for (ifaddrs* i = interfaces; i; i = i->ifa_next) {
      if (!i->ifa_addr || !i->ifa_netmask || i->ifa_addr->sa_family != AF_INET) continue;
      auto* address = reinterpret_cast<sockaddr_in*>(i->ifa_addr);
      if (address->sin_addr.s_addr != local.sin_addr.s_addr) continue;
      auto* netmask = reinterpret_cast<sockaddr_in*>(i->ifa_netmask);
      inet_ntop(AF_INET, &netmask->sin_addr, text, sizeof(text));
      guess.mask = text;
      break;
    }
    ::freeifaddrs(interfaces);
  }
  return guess;
}

void NetworkLists::add(NetworkList list) {
  std::string name = list.name();
  lists_.insert_or_assign(std::move(name), std::move(list));
}

std::shared_ptr<const NetworkLists> NetworkLists::build(const core::XmlConfig* config,
                                                        const LocalNetworkGuess& local,
                                                        std::vector<std::string>* warnings) {
  auto lists = std::make_shared<NetworkLists>();
  auto warn = [&](std::string message) {
    if (warnings) warnings->push_back(std::move(message));
  };
  auto builtin = [&](const char* name, bool default_allow, std::initializer_list<const char*> cidrs,
                     bool allow) {
    NetworkList list(name, default_allow);
    for (const char* cidr : cidrs) list.add_cidr(cidr, allow);
    return list;
  };

  lists->add(builtin("rfc6598.auto", false, {"100.64.0.0/10"}, true));
  lists->add(builtin("rfc1918.auto", false,
                     {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fe80::/10"}, true));
  lists->add(builtin("wan.auto", true,
                     {"0.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
                      "169.254.0.0/16", "100.64.0.0/10", "fe80::/10"},
                     false));
  lists->add(builtin("wan_v6.auto", true, {"0.0.0.0/0", "fe80::/10"}, false));
  lists->add(builtin("wan_v4.auto", true,
                     {"0.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
                      "169.254.0.0/16", "100.64.0.0/10", "::/0"},
                     false));
  lists->add(builtin("any_v6.auto", true, {"0.0.0.0/0"}, false));
  lists->add(builtin("any_v4.auto", true, {"::/0"}, false));

  NetworkList nat("nat.auto", false);
  if (!nat.add_host_mask(local.address, local.mask, false)) {
    warn("cannot use local network " + local.address + "/" + local.mask + " for nat.auto");
  }
  for (const char* cidr : {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"}) {
    nat.add_cidr(cidr, true);
  }
  lists->add(std::move(nat));
  lists->add(builtin("loopback.auto", false, {"127.0.0.0/8", "::1/128"}, true));
  NetworkList localnet("localnet.auto", false);
  localnet.add_host_mask(local.address, local.mask, true);
  lists->add(std::move(localnet));

  if (!config) return lists;
  pugi::xml_node network_lists = config->configuration("acl.conf").child("network-lists");
  for (pugi::xml_node list_node : network_lists.children("list")) {
    std::string name = list_node.attribute("name").value();
    if (name.empty()) continue;
    pugi::xml_attribute default_attr = list_node.attribute("default");
    bool default_allow = default_attr ? text::switch_true(default_attr.value()) : true;
    NetworkList list(name, default_allow);
    for (pugi::xml_node node : list_node.children("node")) {
      pugi::xml_attribute type = node.attribute("type");
      bool allow = type ? text::switch_true(type.value()) : default_allow;
      pugi::xml_attribute cidr = node.attribute("cidr");
      pugi::xml_attribute host = node.attribute("host");
      pugi::xml_attribute mask = node.attribute("mask");
      pugi::xml_attribute domain = node.attribute("domain");
      if (domain) {
        pugi::xml_node users = config->domain(domain.value());
        if (!users) {
          warn("cannot locate domain " + std::string(domain.value()) + " for list " + name);
          continue;
        }
        // As in FreeSWITCH: a domain with a direct <users> is scanned there only, groups
        // included (that is, those nested in that <users>).
        if (pugi::xml_node direct = users.child("users")) users = direct;
        auto add_user = [&](pugi::xml_node user) {
          pugi::xml_attribute id = user.attribute("id");
          pugi::xml_attribute user_cidr = user.attribute("cidr");
          if (!id || !user_cidr) return;
          std::string token = std::string(id.value()) + "@" + domain.value();
          if (!list.add_cidr(user_cidr.value(), allow, token)) {
            std::string message = "bad cidr ";
            message.append(user_cidr.value()).append(" of ").append(token).append(" in list ");
            message.append(name);
            warn(std::move(message));
          }
        };
        for (pugi::xml_node user : users.children("user")) add_user(user);
        for (pugi::xml_node groups : users.children("groups")) {
          for (pugi::xml_node group : groups.children("group")) {
            for (pugi::xml_node group_users : group.children("users")) {
              for (pugi::xml_node user : group_users.children("user")) add_user(user);
            }
          }
        }
      } else if (cidr) {
        if (!list.add_cidr(cidr.value(), allow)) {
          warn("bad cidr " + std::string(cidr.value()) + " in list " + name);
        }
      } else if (host && mask) {
        if (!list.add_host_mask(host.value(), mask.value(), allow)) {
          warn("bad host/mask " + std::string(host.value()) + "/" + mask.value() + " in list " +
               name);
        }
      }
    }
    lists->add(std::move(list));
  }
  return lists;
}

const NetworkList* NetworkLists::find(std::string_view name) const {
  auto it = lists_.find(name);
  return it == lists_.end() ? nullptr : &it->second;
}

bool NetworkLists::check(const asio::ip::address& peer, std::string_view acl) const {
  if (const NetworkList* list = find(acl)) return list->allows(peer);
  if (acl.find('/') == std::string_view::npos) return false;
  while (true) {
    auto comma = acl.find(',');
    if (auto range = parse_cidr(trim_spaces(acl.substr(0, comma)));
        range && range->contains(peer)) {
      return true;
    }
    if (comma == std::string_view::npos) return false;
    acl.remove_prefix(comma + 1);
  }
}

bool NetworkLists::allows(const asio::ip::address& peer,
                          const std::vector<std::string>& acls) const {
  return std::all_of(acls.begin(), acls.end(),
                     [&](const std::string& acl) { return check(peer, acl); });
}

}  // namespace es::eventsocket
