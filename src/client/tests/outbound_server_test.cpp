// OutboundServer/OutboundSession with the fake server playing the switch: the connect handshake
// and its CHANNEL_DATA, session commands, execute with and without myevents, hangup, and the
// linger and disconnect notices.
#include "client/outbound_server.hpp"

#include <gtest/gtest.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>

#include <utility>

#include "fake_server.hpp"
#include "protocol/frames.hpp"

namespace es::client {
namespace {

using namespace std::chrono_literals;
using test::FakePeer;
using test::FakeSwitch;
using test::plain_event;
using test::reply;

using test::run_coroutine;

// What the switch sends for "connect": an event-plain header block that is its own reply.
std::string channel_data(std::string_view uuid) {
  return "Event-Name: CHANNEL_DATA\nUnique-ID: " + std::string(uuid) +
         "\nChannel-Name: loopback%2F1-a\nvariable_greeting: hello%20there\n"
         "Content-Type: command/reply\nReply-Text: %2BOK%0A\nSocket-Mode: async\n"
         "Control: full\n\n";
}

std::string execute_complete(std::string_view uuid, std::string_view app_uuid,
                             std::string_view app) {
  return plain_event({{"Event-Name", "CHANNEL_EXECUTE_COMPLETE"},
                      {"Unique-ID", std::string(uuid)},
                      {"Application", std::string(app)},
                      {"Application-Response", "FILE PLAYED"},
                      {"Application-UUID", std::string(app_uuid)}});
}

TEST(OutboundServer, SessionDrivesTheCallUntilTheDisconnectNotice) {
  asio::io_context io;
  OutboundServer server(io.get_executor());
  server.listen("127.0.0.1", 0);
  ASSERT_NE(server.port(), 0);
  FakeSwitch the_switch(server.port(), [](FakePeer& peer) {
    EXPECT_EQ(peer.read_command().command, "connect");
    peer.send(channel_data("call-1"), 9);
    EXPECT_EQ(peer.read_command().command, "myevents");
    peer.send(reply("+OK Events Enabled"));
    EXPECT_EQ(peer.read_command().command, "getvar greeting");
    peer.send(reply("hello there"));
    EXPECT_EQ(peer.read_command().command, "getvar unset_one");
    peer.send(reply("-ERR command not found"));
    EXPECT_EQ(peer.read_command().command, "linger 5");
    peer.send(reply("+OK will linger 5 seconds"));
    EXPECT_EQ(peer.read_command().command, "linger");
    peer.send(reply("+OK will linger"));
    EXPECT_EQ(peer.read_command().command, "resume");
    peer.send(reply("+OK"));
    auto execute = peer.read_command();
    EXPECT_EQ(execute.command, "sendmsg");
    EXPECT_EQ(*execute.header("call-command"), "execute");
    EXPECT_EQ(*execute.header("execute-app-name"), "playback");
    EXPECT_EQ(*execute.header("execute-app-arg"), "silence_stream://200");
    ASSERT_NE(execute.header("Event-UUID"), nullptr);
    peer.send(reply("+OK"));
    peer.send(execute_complete("call-1", *execute.header("Event-UUID"), "playback"), 5);
    auto hangup = peer.read_command();
    EXPECT_EQ(hangup.command, "sendmsg");
    EXPECT_EQ(*hangup.header("call-command"), "hangup");
    EXPECT_EQ(*hangup.header("hangup-cause"), "USER_BUSY");
    peer.send(reply("+OK"));
    // The linger notice leaves the session open; events go on until the goodbye.
    peer.send(protocol::linger_notice("call-1", "loopback/1-a", 5));
    peer.send(plain_event({{"Event-Name", "CHANNEL_HANGUP"}, {"Unique-ID", "call-1"}}));
    peer.send(protocol::disconnect_notice(protocol::kGoodbyeText, "call-1"));
    peer.close();
  });
  bool finished = false;
  std::exception_ptr failure;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        std::unique_ptr<OutboundSession> session = co_await server.accept();
        Event data = co_await session->connect();
        EXPECT_EQ(data.name(), "CHANNEL_DATA");
        EXPECT_EQ(session->uuid(), "call-1");
        EXPECT_EQ(session->channel_data().header_or("Channel-Name"), "loopback/1-a");
        EXPECT_EQ(data.header_or("variable_greeting"), "hello there");
        EXPECT_EQ(data.header_or("Socket-Mode"), "async");
        EXPECT_EQ(data.header_or("Control"), "full");

        EXPECT_EQ((co_await session->myevents()).text, "+OK Events Enabled");
        EXPECT_EQ(co_await session->getvar("greeting"), "hello there");
        EXPECT_EQ(co_await session->getvar("unset_one"), "");
        EXPECT_EQ((co_await session->linger(5s)).text, "+OK will linger 5 seconds");
        EXPECT_EQ((co_await session->linger()).text, "+OK will linger");
        EXPECT_TRUE((co_await session->resume()).ok());
        Event played = co_await session->execute("playback", "silence_stream://200");
        EXPECT_EQ(played.header_or("Application-Response"), "FILE PLAYED");
        EXPECT_TRUE((co_await session->hangup("USER_BUSY")).ok());

        // myevents was the application's: its events are handed out, the notices are not.
        Connection& conn = session->connection();
        std::vector<std::string> names;
        while (auto event = co_await conn.next_event(5s)) names.emplace_back(event->name());
        EXPECT_EQ(names, (std::vector<std::string>{"CHANNEL_EXECUTE_COMPLETE", "CHANNEL_HANGUP"}));
        EXPECT_FALSE(conn.is_open());
        EXPECT_TRUE(conn.close_reason().starts_with("Disconnected, goodbye."))
            << conn.close_reason();
        finished = true;
      },
      [&](std::exception_ptr e) { failure = std::move(e); });
  io.run_for(10s);
  EXPECT_TRUE(finished);
  if (failure) std::rethrow_exception(failure);
}

TEST(OutboundServer, ExecuteWithoutMyeventsEnablesThemForItselfOnly) {
  asio::io_context io;
  OutboundServer server(io.get_executor());
  server.listen("127.0.0.1", 0);
  FakeSwitch the_switch(server.port(), [](FakePeer& peer) {
    EXPECT_EQ(peer.read_command().command, "connect");
    peer.send(channel_data("call-2"));
    EXPECT_EQ(peer.read_command().command, "myevents");
    auto execute = peer.read_command();
    EXPECT_EQ(execute.command, "sendmsg");
    ASSERT_NE(execute.header("Event-UUID"), nullptr);
    peer.send(reply("+OK Events Enabled") + reply("+OK"));
    peer.send(plain_event({{"Event-Name", "CHANNEL_EXECUTE"}, {"Unique-ID", "call-2"}}));
    peer.send(execute_complete("call-2", *execute.header("Event-UUID"), "answer"));
    // The application asks for the events now: the switch refuses a second myevents, but they
    // are handed out from here on.
    EXPECT_EQ(peer.read_command().command, "myevents");
    peer.send(reply("-ERR aready enabled."));
    EXPECT_EQ(peer.read_command().command, "getvar x");
    peer.send(reply("1"));
    peer.send(plain_event({{"Event-Name", "CHANNEL_ANSWER"}, {"Unique-ID", "call-2"}}));
    peer.send(protocol::disconnect_notice(protocol::kGoodbyeText, "call-2"));
    peer.close();
  });
  bool finished = false;
  std::exception_ptr failure;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto session = co_await server.accept();
        co_await session->connect();
        Event done = co_await session->execute("answer");
        EXPECT_EQ(done.header_or("Application"), "answer");
        EXPECT_EQ((co_await session->myevents()).text, "-ERR aready enabled.");
        EXPECT_EQ(co_await session->getvar("x"), "1");
        auto event = co_await session->connection().next_event(5s);
        EXPECT_TRUE(event.has_value());
        if (event) {
          EXPECT_EQ(event->name(), "CHANNEL_ANSWER");  // not the hidden CHANNEL_EXECUTE
        }
        EXPECT_FALSE((co_await session->connection().next_event(5s)).has_value());
        finished = true;
      },
      [&](std::exception_ptr e) { failure = std::move(e); });
  io.run_for(10s);
  EXPECT_TRUE(finished);
  if (failure) std::rethrow_exception(failure);
}

// execute() without a uuid runs on the controlled channel: that channel's hangup ends it when
// the application never completes (linger keeps the connection open meanwhile).
TEST(OutboundServer, ExecuteEndsWhenTheControlledChannelHangsUp) {
  asio::io_context io;
  OutboundServer server(io.get_executor());
  server.listen("127.0.0.1", 0);
  FakeSwitch the_switch(server.port(), [](FakePeer& peer) {
    EXPECT_EQ(peer.read_command().command, "connect");
    peer.send(channel_data("call-3"));
    EXPECT_EQ(peer.read_command().command, "myevents");
    EXPECT_EQ(peer.read_command().command, "sendmsg");
    peer.send(reply("+OK Events Enabled") + reply("+OK"));
    peer.send(protocol::linger_notice("call-3", "loopback/1-a", 5));
    peer.send(plain_event({{"Event-Name", "CHANNEL_HANGUP_COMPLETE"},
                           {"Unique-ID", "call-3"},
                           {"Hangup-Cause", "DESTINATION_OUT_OF_ORDER"}}));
    EXPECT_EQ(peer.read_command().command, "getvar x");
    peer.send(reply("1"));
    peer.send(protocol::disconnect_notice(protocol::kGoodbyeText, "call-3"));
    peer.close();
  });
  bool finished = false;
  std::exception_ptr failure;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto session = co_await server.accept();
        co_await session->connect();
        try {
          co_await session->execute("nosuchapp");
          ADD_FAILURE() << "execute did not throw";
        } catch (const ClientError& error) {
          EXPECT_EQ(error.kind(), ClientError::Kind::kChannelHungUp) << error.what();
        }
        EXPECT_EQ(co_await session->getvar("x"), "1");
        finished = true;
      },
      [&](std::exception_ptr e) { failure = std::move(e); });
  io.run_for(10s);
  EXPECT_TRUE(finished);
  if (failure) std::rethrow_exception(failure);
}

TEST(OutboundServer, ListenOnABusyPortIsConnectFailed) {
  asio::io_context io;
  asio::ip::tcp::acceptor busy(io, {asio::ip::make_address("127.0.0.1"), 0});
  OutboundServer server(io.get_executor());
  try {
    server.listen("127.0.0.1", busy.local_endpoint().port());
    ADD_FAILURE() << "listen did not throw";
  } catch (const ClientError& error) {
    EXPECT_EQ(error.kind(), ClientError::Kind::kConnectFailed);
  }
}

TEST(OutboundServer, CloseEndsAPendingAccept) {
  run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    OutboundServer server(io.get_executor());
    server.listen("127.0.0.1", 0);
    asio::steady_timer later(io, 50ms);
    later.async_wait([&](std::error_code) { server.close(); });
    try {
      co_await server.accept();
      ADD_FAILURE() << "accept did not throw";
    } catch (const ClientError& error) {
      EXPECT_EQ(error.kind(), ClientError::Kind::kNotConnected);
    }
  });
}

}  // namespace
}  // namespace es::client
