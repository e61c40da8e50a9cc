// The registration table: one entry per user@host, its bound, expiry, and the layout of
// `sofia status profile <name> reg`.
#include "sip/sofia/sofia_registrar.hpp"

#include <gtest/gtest.h>

namespace es::sip::sofia {
namespace {

Registration make(const std::string& user, std::int64_t expires, const std::string& call_id = "c") {
  Registration r;
  r.call_id = call_id;
  r.user = user;
  r.host = "example.org";
  r.contact = "\"\" <sip:" + user + "@192.0.2.1:5062>";
  r.status = "Registered(UDP)";
  r.agent = "phone";
  r.expires = expires;
  r.network_ip = "192.0.2.1";
  r.network_port = "5062";
  r.auth_user = user;
  r.auth_realm = "example.org";
  r.server_host = "127.0.0.1";
  return r;
}

TEST(Registrar, OnePerUserAndHost) {
  Registrar table;
  EXPECT_TRUE(table.add(make("1000", 100, "first")));
  EXPECT_TRUE(table.add(make("1000", 200, "second")));  // a refresh replaces it
  EXPECT_EQ(table.size(), 1U);
  EXPECT_EQ(table.find("1000", "EXAMPLE.org")->call_id, "second");
  EXPECT_FALSE(table.find("1001", "example.org"));
  EXPECT_EQ(table.remove("1000", "example.org")->call_id, "second");
  EXPECT_EQ(table.size(), 0U);
  EXPECT_FALSE(table.remove("1000", "example.org"));
}

TEST(Registrar, ExpiresAtItsTime) {
  Registrar table;
  table.add(make("1000", 100));
  table.add(make("1001", 200));
  EXPECT_TRUE(table.expire(99).empty());
  const auto gone = table.expire(100);
  ASSERT_EQ(gone.size(), 1U);
  EXPECT_EQ(gone[0].user, "1000");
  EXPECT_EQ(table.size(), 1U);
}

TEST(Registrar, Bounded) {
  Registrar table;
  for (std::size_t i = 0; i < Registrar::kMaxRegistrations; ++i) {
    ASSERT_TRUE(table.add(make(std::to_string(i), 100)));
  }
  EXPECT_FALSE(table.add(make("another", 100)));
  EXPECT_TRUE(table.add(make("7", 300)));  // a user already there may still refresh
  EXPECT_EQ(table.size(), Registrar::kMaxRegistrations);
}

TEST(Registrar, StatusLayout) {
  Registrar table;
  table.add(make("1000", 1'000'060));
  table.add(make("1001", 1'000'060));
  const auto text = format_registrations(table.list(), "1001@", 1'000'000);
  EXPECT_TRUE(text.starts_with("\nRegistrations:\n=====")) << text;
  EXPECT_NE(text.find("Call-ID:    \tc\nUser:       \t1001@example.org\n"
                      "Contact:    \t\"\" <sip:1001@192.0.2.1:5062>\nAgent:      \tphone\n"
                      "Status:     \tRegistered(UDP)(unknown) EXP("),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(") EXPSECS(60)\nPing-Status:\tReachable\nPing-Time:\t0.00\n"
                      "Host:       \t127.0.0.1\nIP:         \t192.0.2.1\nPort:       \t5062\n"
                      "Auth-User:  \t1001\nAuth-Realm: \texample.org\n"
                      "MWI-Account:\t1001@example.org\n\nTotal items returned: 1\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("1000@"), std::string::npos);
}

TEST(Registrar, ContactUriIsTheUriWithoutItsScheme) {
  EXPECT_EQ(contact_uri("\"\" <sip:1000@192.0.2.1:5062;transport=udp>"),
            "1000@192.0.2.1:5062;transport=udp");
  EXPECT_EQ(contact_uri("\"Bob <x>\" <sips:bob@h>"), "bob@h");
  EXPECT_EQ(contact_uri("sip:1000@h:5060"), "1000@h:5060");
  EXPECT_FALSE(contact_uri(""));
}

TEST(Registrar, SofiaContactFindsTheRegistrationOnEachProfile) {
  Registrar internal;
  Registrar external;
  ASSERT_TRUE(internal.add(make("1000", 100)));
  ASSERT_TRUE(external.add(make("1000", 100)));
  const std::vector<ProfileRegistrar> profiles = {{"internal", &internal}, {"external", &external}};
  EXPECT_EQ(sofia_contact("*/1000@example.org", profiles, "local"),
            "sofia/internal/sip:1000@192.0.2.1:5062,sofia/external/sip:1000@192.0.2.1:5062");
  EXPECT_EQ(sofia_contact("external/1000@example.org", profiles, "local"),
            "sofia/external/sip:1000@192.0.2.1:5062");
  // An unknown profile name searches them all; the user compares in any case.
  EXPECT_EQ(sofia_contact("nope/1000@EXAMPLE.org/[x=1]", profiles, "local"),
            "[x=1]sofia/internal/sip:1000@192.0.2.1:5062,"
            "[x=1]sofia/external/sip:1000@192.0.2.1:5062");
  // Without a domain, the default one.
  EXPECT_EQ(sofia_contact("internal/1000", profiles, "example.org"),
            "sofia/internal/sip:1000@192.0.2.1:5062");
  EXPECT_EQ(sofia_contact("*/1001@example.org", profiles, "local"), "error/user_not_registered");
  EXPECT_EQ(sofia_contact("*/1000@other.org", profiles, "local"), "error/user_not_registered");
  EXPECT_EQ(sofia_contact("", profiles, "local"), "");
}

}  // namespace
}  // namespace es::sip::sofia
