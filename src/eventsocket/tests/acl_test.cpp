#include "eventsocket/acl.hpp"

#include <gtest/gtest.h>

#include "eventsocket/tests/conf_tree.hpp"

namespace es::eventsocket {
namespace {

asio::ip::address ip(const char* text) {
  return asio::ip::make_address(text);
}

LocalNetworkGuess lan_guess() {
  return {"192.168.1.10", "255.255.255.0"};
}

TEST(Cidr, ParsesIpv4Ipv6AndMappedForms) {
  auto v4 = parse_cidr("10.1.0.0/16");
  ASSERT_TRUE(v4);
  EXPECT_FALSE(v4->v6);
  EXPECT_EQ(v4->bits, 16u);
  EXPECT_TRUE(v4->contains(ip("10.1.200.3")));
  EXPECT_FALSE(v4->contains(ip("10.2.0.1")));
  EXPECT_FALSE(v4->contains(ip("::1")));

  auto v6 = parse_cidr("2001:db8::/33");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->v6);
  EXPECT_TRUE(v6->contains(ip("2001:db8:7fff::1")));
  EXPECT_FALSE(v6->contains(ip("2001:db8:8000::1")));
  EXPECT_FALSE(v6->contains(ip("10.0.0.1")));

  auto mapped = parse_cidr("::FFFF:192.168.0.0/24");
  ASSERT_TRUE(mapped);
  EXPECT_FALSE(mapped->v6);
  EXPECT_TRUE(mapped->contains(ip("192.168.0.9")));
  EXPECT_TRUE(mapped->contains(ip("::ffff:192.168.0.9")));  // mapped peers are IPv4
}

TEST(Cidr, PrefixLengthIsReadLikeAtoiAndRangeChecked) {
  EXPECT_EQ(parse_cidr("10.0.0.0/8x")->bits, 8u);
  EXPECT_EQ(parse_cidr("10.0.0.0/")->bits, 0u);
  EXPECT_FALSE(parse_cidr("10.0.0.0"));
  EXPECT_FALSE(parse_cidr("10.0.0.0/33"));
  EXPECT_FALSE(parse_cidr("10.0.0.0/-1"));
  EXPECT_FALSE(parse_cidr("::/129"));
  EXPECT_TRUE(parse_cidr("::/128"));
  EXPECT_FALSE(parse_cidr("10.0.0/8"));
  EXPECT_FALSE(parse_cidr("bogus/8"));
  EXPECT_FALSE(parse_cidr("fe80::1%eth0/64"));
}

TEST(Cidr, ZeroPrefixMatchesEverythingOnlyForTheZeroNetwork) {
  EXPECT_TRUE(parse_cidr("0.0.0.0/0")->contains(ip("203.0.113.9")));
  EXPECT_TRUE(parse_cidr("::/0")->contains(ip("2001:db8::1")));
  // switch_test_subnet: a zero mask with a non-zero network is an exact comparison.
  EXPECT_TRUE(parse_cidr("1.2.3.4/0")->contains(ip("1.2.3.4")));
  EXPECT_FALSE(parse_cidr("1.2.3.4/0")->contains(ip("1.2.3.5")));
}

TEST(Cidr, HostAndMask) {
  auto range = parse_host_mask("172.16.4.0", "255.255.252.0");
  ASSERT_TRUE(range);
  EXPECT_EQ(range->bits, 22u);
  EXPECT_TRUE(range->contains(ip("172.16.7.255")));
  EXPECT_FALSE(range->contains(ip("172.16.8.0")));
  EXPECT_FALSE(parse_host_mask("172.16.4.0", "255.255.x.0"));
  EXPECT_FALSE(parse_host_mask("::1", "255.0.0.0"));
}

TEST(NetworkList, LongestPrefixWinsAndTiesGoToTheFirstNode) {
  NetworkList list("t", true);
  EXPECT_TRUE(list.add_cidr("10.0.0.0/8", false));
  EXPECT_TRUE(list.add_cidr("10.1.0.0/16", true, "tok"));
  EXPECT_TRUE(list.add_cidr("10.1.2.0/24", false));
  EXPECT_TRUE(list.add_cidr("10.1.2.0/24", true));  // same prefix as the previous node
  std::string token;
  EXPECT_FALSE(list.allows(ip("10.9.9.9")));
  EXPECT_TRUE(list.allows(ip("10.1.9.9"), &token));
  EXPECT_EQ(token, "tok");
  EXPECT_FALSE(list.allows(ip("10.1.2.3")));
  EXPECT_TRUE(list.allows(ip("11.0.0.1")));  // default
  EXPECT_TRUE(list.allows(ip("2001:db8::1")));
}

TEST(NetworkList, FamiliesAreSeparate) {
  NetworkList list("t", false);
  EXPECT_TRUE(list.add_cidr("::/0, 0.0.0.0/0", true));
  EXPECT_TRUE(list.add_cidr("fd00::/8", false));
  EXPECT_TRUE(list.allows(ip("203.0.113.1")));
  EXPECT_TRUE(list.allows(ip("2001:db8::1")));
  EXPECT_FALSE(list.allows(ip("fd12::1")));
  EXPECT_FALSE(list.add_cidr("10.0.0.0/8,nonsense", true));
  EXPECT_EQ(list.nodes().size(), 4u);  // the valid part was still added
}

TEST(NetworkLists, BuiltInLists) {
  auto lists = NetworkLists::build(nullptr, lan_guess());
  auto check = [&](const char* acl, const char* address) { return lists->check(ip(address), acl); };

  EXPECT_TRUE(check("loopback.auto", "127.0.0.1"));
  EXPECT_TRUE(check("loopback.auto", "127.8.9.10"));
  EXPECT_TRUE(check("loopback.auto", "::1"));
  EXPECT_TRUE(check("loopback.auto", "::ffff:127.0.0.1"));
  EXPECT_FALSE(check("loopback.auto", "192.168.1.10"));
  EXPECT_FALSE(check("loopback.auto", "::2"));

  EXPECT_TRUE(check("rfc1918.auto", "172.31.255.255"));
  EXPECT_FALSE(check("rfc1918.auto", "172.32.0.0"));
  EXPECT_TRUE(check("rfc1918.auto", "fe80::1"));
  EXPECT_TRUE(check("rfc6598.auto", "100.127.0.1"));
  EXPECT_FALSE(check("rfc6598.auto", "100.128.0.1"));

  EXPECT_TRUE(check("wan.auto", "8.8.8.8"));
  EXPECT_FALSE(check("wan.auto", "169.254.1.1"));
  EXPECT_TRUE(check("wan.auto", "2001:db8::1"));
  EXPECT_FALSE(check("wan_v6.auto", "8.8.8.8"));
  EXPECT_TRUE(check("wan_v6.auto", "2001:db8::1"));
  EXPECT_FALSE(check("wan_v6.auto", "fe80::1"));
  EXPECT_TRUE(check("wan_v4.auto", "8.8.8.8"));
  EXPECT_FALSE(check("wan_v4.auto", "2001:db8::1"));
  EXPECT_FALSE(check("wan_v4.auto", "10.0.0.1"));
  EXPECT_TRUE(check("any_v4.auto", "10.0.0.1"));
  EXPECT_FALSE(check("any_v4.auto", "::1"));
  EXPECT_TRUE(check("any_v6.auto", "::1"));
  EXPECT_FALSE(check("any_v6.auto", "10.0.0.1"));

  EXPECT_TRUE(check("localnet.auto", "192.168.1.77"));
  EXPECT_FALSE(check("localnet.auto", "192.168.2.77"));
  EXPECT_FALSE(check("nat.auto", "192.168.1.77"));  // the local net itself is not NAT
  EXPECT_TRUE(check("nat.auto", "192.168.2.77"));
  EXPECT_TRUE(check("nat.auto", "10.20.30.40"));
  EXPECT_TRUE(check("nat.auto", "100.64.0.1"));
  EXPECT_FALSE(check("nat.auto", "8.8.8.8"));

  EXPECT_FALSE(check("LOOPBACK.AUTO", "127.0.0.1"));  // names are case-sensitive
}

TEST(NetworkLists, ForcedLocalAddressAllowsExactlyThatAddress) {
  core::GlobalVars globals;
  globals.set("force_local_ip_v4", "10.5.5.5");
  LocalNetworkGuess guess = guess_local_network(globals);
  EXPECT_EQ(guess.address, "10.5.5.5");
  EXPECT_EQ(guess.mask, "0.0.0.0");
  auto lists = NetworkLists::build(nullptr, guess);
  EXPECT_TRUE(lists->check(ip("10.5.5.5"), "localnet.auto"));
  EXPECT_FALSE(lists->check(ip("10.5.5.6"), "localnet.auto"));
}

TEST(NetworkLists, GuessedLocalNetworkIsUsable) {
  core::GlobalVars globals;
  LocalNetworkGuess guess = guess_local_network(globals);
  auto range = parse_host_mask(guess.address, guess.mask);
  ASSERT_TRUE(range) << guess.address << "/" << guess.mask;
  auto lists = NetworkLists::build(nullptr, guess);
  EXPECT_TRUE(lists->check(ip(guess.address.c_str()), "localnet.auto"));
}

TEST(NetworkLists, CidrEntriesUnknownNamesAndAllMustAllow) {
  auto lists = NetworkLists::build(nullptr, lan_guess());
  EXPECT_TRUE(lists->check(ip("192.0.2.7"), "192.0.2.0/24"));
  EXPECT_FALSE(lists->check(ip("192.0.3.7"), "192.0.2.0/24"));
  EXPECT_TRUE(lists->check(ip("198.51.100.1"), "192.0.2.0/24, 198.51.100.0/24"));
  EXPECT_TRUE(lists->check(ip("::ffff:198.51.100.1"), "192.0.2.0/24,198.51.100.0/24"));
  EXPECT_TRUE(lists->check(ip("2001:db8::5"), "2001:db8::/64"));
  EXPECT_FALSE(lists->check(ip("2001:db8::5"), "192.0.2.0/24"));
  EXPECT_FALSE(lists->check(ip("192.0.2.7"), "garbage/xx"));
  EXPECT_FALSE(lists->check(ip("127.0.0.1"), "no-such-list"));

  EXPECT_TRUE(lists->allows(ip("127.0.0.1"), {"loopback.auto", "127.0.0.0/8"}));
  EXPECT_FALSE(lists->allows(ip("127.0.0.1"), {"loopback.auto", "10.0.0.0/8"}));
  EXPECT_TRUE(lists->allows(ip("203.0.113.1"), {}));
}

// conf/vanilla's acl.conf.xml, directory users with cidr attributes, and a few extra forms.
void write_acl_tree(const testing::ConfTree& tree) {
  tree.write("vars.xml",
             "<include>\n<X-PRE-PROCESS cmd=\"set\" data=\"domain=example.org\"/>\n</include>\n");
  tree.write("autoload_configs/acl.conf.xml",
             "<configuration name=\"acl.conf\" description=\"Network Lists\">\n"
             "  <network-lists>\n"
             "    <list name=\"lan\" default=\"allow\">\n"
             "      <node type=\"deny\" cidr=\"192.168.42.0/24\"/>\n"
             "      <node type=\"allow\" cidr=\"192.168.42.42/32\"/>\n"
             "    </list>\n"
             "    <list name=\"domains\" default=\"deny\">\n"
             "      <node type=\"allow\" domain=\"$${domain}\"/>\n"
             "      <!-- <node type=\"allow\" cidr=\"192.168.0.0/24\"/> -->\n"
             "    </list>\n"
             "    <list name=\"flat\" default=\"deny\">\n"
             "      <node type=\"allow\" domain=\"flat.org\"/>\n"
             "      <node type=\"allow\" domain=\"nowhere.org\"/>\n"
             "    </list>\n"
             "    <list name=\"masked\">\n"
             "      <node type=\"deny\" host=\"172.16.0.0\" mask=\"255.240.0.0\"/>\n"
             "      <node cidr=\"172.16.1.0/24\"/>\n"
             "      <node type=\"deny\" cidr=\"bad\"/>\n"
             "    </list>\n"
             "    <list name=\"loopback.auto\" default=\"deny\">\n"
             "      <node type=\"allow\" cidr=\"127.0.0.2/32\"/>\n"
             "    </list>\n"
             "    <list default=\"allow\"/>\n"
             "  </network-lists>\n"
             "</configuration>\n");
  tree.write("directory/default.xml",
             "<include>\n"
             "  <domain name=\"$${domain}\">\n"
             "    <groups>\n"
             "      <group name=\"default\"><users>\n"
             "        <X-PRE-PROCESS cmd=\"include\" data=\"default/*.xml\"/>\n"
             "      </users></group>\n"
             "      <group name=\"sales\"><users>\n"
             "        <user id=\"1000\" type=\"pointer\"/>\n"
             "      </users></group>\n"
             "    </groups>\n"
             "  </domain>\n"
             "  <domain name=\"flat.org\">\n"
             "    <users><user id=\"f\" cidr=\"203.0.113.0/28,2001:db8:1::/48\"/></users>\n"
             "    <groups><group name=\"g\"><users><user id=\"hidden\" cidr=\"198.51.100.0/24\"/>"
             "</users></group></groups>\n"
             "  </domain>\n"
             "</include>\n");
  tree.write("directory/default/1000.xml",
             "<include>\n  <user id=\"1000\" cidr=\"10.10.0.0/16\"/>\n</include>\n");
  tree.write("directory/default/1001.xml", "<include>\n  <user id=\"1001\"/>\n</include>\n");
}

TEST(NetworkLists, VanillaAclConf) {
  testing::ConfTree tree;
  write_acl_tree(tree);
  core::GlobalVars globals;
  core::XmlLoadResult loaded = core::XmlConfig::load_directory(tree.dir(), globals);
  ASSERT_TRUE(loaded) << loaded.error;
  std::vector<std::string> warnings;
  auto lists = NetworkLists::build(loaded.config.get(), lan_guess(), &warnings);

  // lan: default allow, deny 192.168.42.0/24 except 192.168.42.42.
  EXPECT_TRUE(lists->check(ip("192.168.42.42"), "lan"));
  EXPECT_FALSE(lists->check(ip("192.168.42.1"), "lan"));
  EXPECT_FALSE(lists->check(ip("::ffff:192.168.42.1"), "lan"));
  EXPECT_TRUE(lists->check(ip("::ffff:192.168.42.42"), "lan"));
  EXPECT_TRUE(lists->check(ip("192.168.43.1"), "lan"));
  EXPECT_TRUE(lists->check(ip("2001:db8::1"), "lan"));

  // domains: the directory users' cidr attributes.
  const NetworkList* domains = lists->find("domains");
  ASSERT_NE(domains, nullptr);
  std::string token;
  EXPECT_TRUE(domains->allows(ip("10.10.3.4"), &token));
  EXPECT_EQ(token, "1000@example.org");
  EXPECT_FALSE(lists->check(ip("10.11.0.1"), "domains"));

  // A domain with a direct <users> is only scanned there; its <groups> are not.
  EXPECT_TRUE(lists->check(ip("203.0.113.5"), "flat"));
  EXPECT_TRUE(lists->check(ip("2001:db8:1::9"), "flat"));
  EXPECT_FALSE(lists->check(ip("198.51.100.1"), "flat"));

  // host+mask, a node without type (list default: allow), a bad node skipped.
  EXPECT_FALSE(lists->check(ip("172.20.0.1"), "masked"));
  EXPECT_TRUE(lists->check(ip("172.16.1.1"), "masked"));
  EXPECT_TRUE(lists->check(ip("8.8.8.8"), "masked"));

  // acl.conf may redefine a built-in list.
  EXPECT_TRUE(lists->check(ip("127.0.0.2"), "loopback.auto"));
  EXPECT_FALSE(lists->check(ip("127.0.0.1"), "loopback.auto"));

  auto mentions = [&](const char* text) {
    for (const auto& w : warnings) {
      if (w.find(text) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(mentions("nowhere.org"));
  EXPECT_TRUE(mentions("bad"));
}

}  // namespace
}  // namespace es::eventsocket
