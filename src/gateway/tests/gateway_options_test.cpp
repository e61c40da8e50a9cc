#include "gateway/gateway_options.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "gateway/upstream_link.hpp"

namespace es::gateway {
namespace {

TEST(GatewayOptions, ReadsTheUpstreamSubscription) {
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(R"(<configuration name="event_socket.conf"><upstreams>
        <param name="subscription" value="all"/>
        <param name="unsubscribe-delay-ms" value="500"/>
      </upstreams></configuration>)"));
  std::string error;
  GatewayOptions options = read_gateway_options(doc.child("configuration"), &error);
  EXPECT_EQ(options.subscription, SubscriptionMode::kAll);
  EXPECT_EQ(options.unsubscribe_delay, std::chrono::milliseconds(500));
  EXPECT_EQ(error, "");
  ASSERT_TRUE(doc.load_string(R"(<configuration name="event_socket.conf"><upstreams>
        <param name="subscription" value="some"/>
      </upstreams></configuration>)"));
  options = read_gateway_options(doc.child("configuration"), &error);
  EXPECT_EQ(options.subscription, SubscriptionMode::kUnion);  // the default
  EXPECT_NE(error.find("ignored param subscription=some"), std::string::npos) << error;
}

TEST(GatewayOptions, ReadsUpstreamsAndRingBounds) {
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(R"(<configuration name="event_socket.conf">
      <upstreams>
        <param name="replay-events" value="50"/>
        <param name="replay-bytes" value="4096"/>
        <upstream name="fs1">
          <param name="host" value="10.0.0.1"/><param name="port" value="8022"/>
          <param name="password" value="secret"/>
        </upstream>
        <upstream name="fs2"><param name="user" value="gw@default"/></upstream>
        <upstream name="fs1"/>
        <upstream name="bad port"><param name="port" value="99999"/></upstream>
      </upstreams></configuration>)"));
  std::string error;
  GatewayOptions options = read_gateway_options(doc.child("configuration"), &error);
  ASSERT_EQ(options.upstreams.size(), 2u);
  EXPECT_EQ(options.upstreams[0].name, "fs1");
  EXPECT_EQ(options.upstreams[0].host, "10.0.0.1");
  EXPECT_EQ(options.upstreams[0].port, 8022);
  EXPECT_EQ(options.upstreams[0].password, "secret");
  EXPECT_EQ(options.upstreams[1].user, "gw@default");
  EXPECT_EQ(options.upstreams[1].port, 8021);
  EXPECT_EQ(options.replay_events, 50u);
  EXPECT_EQ(options.replay_bytes, 4096u);
  EXPECT_NE(error.find("fs1"), std::string::npos);
  EXPECT_NE(error.find("bad port"), std::string::npos);
}

TEST(GatewayOptions, NoUpstreamsMeansLocalMode) {
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(R"(<configuration name="event_socket.conf"/>)"));
  EXPECT_FALSE(read_gateway_options(doc.child("configuration"), nullptr).enabled());
}

TEST(GatewayOptions, ParsesCommandLineUpstreams) {
  std::string error;
  auto spec = parse_upstream_argument("fs2=192.0.2.7:8021", &error);
  ASSERT_TRUE(spec.has_value());
  EXPECT_EQ(spec->name, "fs2");
  EXPECT_EQ(spec->host, "192.0.2.7");
  EXPECT_EQ(spec->port, 8021);
  auto v6 = parse_upstream_argument("fs3=[::1]:9000", &error);
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->host, "::1");
  for (const char* bad : {"fs", "=h:1", "fs=h", "fs=h:0", "fs=h:x", "fs=:8021", "f s=h:1"}) {
    EXPECT_FALSE(parse_upstream_argument(bad, &error).has_value()) << bad;
    EXPECT_NE(error.find("expected NAME=HOST:PORT"), std::string::npos);
  }
}

TEST(GatewayOptions, PasswordFromEnvironment) {
  ::setenv("EVENTSWITCH_UPSTREAM_PASSWORD_FS_WEST", "west", 1);
  EXPECT_EQ(upstream_password_from_environment("fs-west", "ClueCon"), "west");
  ::unsetenv("EVENTSWITCH_UPSTREAM_PASSWORD_FS_WEST");
  EXPECT_EQ(upstream_password_from_environment("fs-west", "ClueCon"), "ClueCon");
}

TEST(GatewayOptions, ChannelUuidsFromShowChannels) {
  auto uuids = channel_uuids_from_show(
      "uuid,direction,created\n"
      "11111111-2222-4333-8444-555555555555,inbound,2026\n"
      "not-a-uuid,inbound,2026\n"
      "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee,outbound,2026\n\n2 total.\n");
  EXPECT_EQ(uuids, (std::vector<std::string>{"11111111-2222-4333-8444-555555555555",
                                             "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"}));
}

}  // namespace
}  // namespace es::gateway
