#include "client/sync_connection.hpp"

#include <gtest/gtest.h>

#include "fake_server.hpp"

namespace es::client {
namespace {

using namespace std::chrono_literals;
using test::FakePeer;
using test::FakeServer;

TEST(SyncConnection, BlockingCallsAndEventQueue) {
  FakeServer server([](FakePeer& peer) {
    peer.accept_auth();
    EXPECT_EQ(peer.read_command().command, "event json CUSTOM my::thing");
    peer.send(test::reply("+OK event listener enabled json"));
    auto sendevent = peer.read_command();
    EXPECT_EQ(sendevent.command, "sendevent CUSTOM");
    EXPECT_EQ(*sendevent.header("Event-Subclass"), "my::thing");
    EXPECT_EQ(sendevent.body, "payload");
    peer.send(test::reply("+OK 1234"));
    std::string json = R"({"Event-Name":"CUSTOM","Event-Subclass":"my::thing","_body":"payload"})";
    peer.send(protocol::event_frame(protocol::EventFormat::kJson, json), 9);
    EXPECT_EQ(peer.read_command().command, "api status");
    peer.send(test::api_response("UP"), 2);
  });
  SyncConnection conn;
  conn.connect("127.0.0.1", server.port(), Credentials::password_only("ClueCon"));
  EXPECT_TRUE(conn.subscribe(protocol::EventFormat::kJson, "CUSTOM my::thing").ok());
  Reply sent = conn.sendevent("CUSTOM", {{"Event-Subclass", "my::thing"}}, "payload");
  EXPECT_EQ(sent.text, "+OK 1234");
  auto event = conn.next_event(2s);
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->header_or("Event-Subclass"), "my::thing");
  EXPECT_EQ(event->body, "payload");
  EXPECT_EQ(conn.api("status"), "UP");
  EXPECT_FALSE(conn.next_event(50ms).has_value());
}

TEST(SyncConnection, ErrorsAreThrown) {
  FakeServer server([](FakePeer& peer) {
    peer.accept_auth();
    peer.read_command();
    peer.send(protocol::disconnect_notice({}));
    peer.close();
  });
  SyncConnection conn;
  conn.connect("127.0.0.1", server.port(), Credentials::password_only("ClueCon"));
  EXPECT_THROW(conn.api("status"), ClientError);
  EXPECT_EQ(conn.close_reason(), "Disconnected.");
  EXPECT_FALSE(conn.is_open());
}

}  // namespace
}  // namespace es::client
