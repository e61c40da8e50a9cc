// Connection (coroutine API) against the scripted fake server: pipelined commands with events
// interleaved between their replies, fragmented frames, library-owned subscriptions.
#include "client/connection.hpp"

#include <gtest/gtest.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "fake_server.hpp"

namespace es::client {
namespace {

using namespace std::chrono_literals;
using test::api_response;
using test::FakePeer;
using test::FakeServer;
using test::plain_event;
using test::reply;

using test::run_coroutine;

TEST(Connection, PipelinedRepliesAreMatchedInOrderDespiteInterleavedEvents) {
  FakeServer server([](FakePeer& peer) {
    peer.accept_auth();
    EXPECT_EQ(peer.read_command().command, "event plain CHANNEL_ANSWER");
    EXPECT_EQ(peer.read_command().command, "api echo one");
    EXPECT_EQ(peer.read_command().command, "api echo two");
    // Events before, between and after the replies; everything cut into 7-byte pieces, plus an
    // unknown content type and a log line that must be ignored.
    std::string stream = plain_event({{"Event-Name", "CHANNEL_ANSWER"}, {"Seq", "1"}}) +
                         reply("+OK event listener enabled plain") +
                         plain_event({{"Event-Name", "CHANNEL_ANSWER"}, {"Seq", "2"}}) +
                         "Content-Type: x/unknown\nContent-Length: 3\n\nabc" + api_response("one") +
                         "Content-Type: log/data\nContent-Length: 4\nLog-Level: 7\n\nlog\n" +
                         plain_event({{"Event-Name", "CHANNEL_ANSWER"}, {"Seq", "3"}}) +
                         api_response("two");
    peer.send(stream, 7);
  });
  run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    using namespace asio::experimental::awaitable_operators;
    Connection conn(io.get_executor());
    co_await conn.connect("127.0.0.1", server.port(), Credentials::password_only("ClueCon"));
    EXPECT_TRUE(conn.is_open());
    auto [subscribed, one, two] =
        co_await (conn.subscribe(protocol::EventFormat::kPlain, "CHANNEL_ANSWER") &&
                  conn.api("echo one") && conn.api("echo two"));
    EXPECT_EQ(subscribed.text, "+OK event listener enabled plain");
    EXPECT_TRUE(subscribed.ok());
    EXPECT_EQ(one, "one");
    EXPECT_EQ(two, "two");
    for (std::string expected : {"1", "2", "3"}) {
      auto event = co_await conn.next_event(2s);
      EXPECT_TRUE(event.has_value());
      if (event) {
        EXPECT_EQ(event->header_or("Seq"), expected);
      }
    }
    conn.close();
  });
}

TEST(Connection, BgapiSubscribesItselfAndHidesTheJobEvent) {
  FakeServer server([](FakePeer& peer) {
    peer.accept_auth();
    EXPECT_EQ(peer.read_command().command, "event plain BACKGROUND_JOB");
    auto bgapi = peer.read_command();
    EXPECT_EQ(bgapi.command, "bgapi status");
    ASSERT_NE(bgapi.header("Job-UUID"), nullptr);
    std::string uuid = *bgapi.header("Job-UUID");
    peer.send(reply("+OK event listener enabled plain"));
    peer.send(protocol::command_reply_with_headers("Reply-Text: +OK Job-UUID: " + uuid +
                                                   "\nJob-UUID: " + uuid + "\n"));
    // Someone else's job first: it must not complete ours (and stays hidden too).
    peer.send(plain_event({{"Event-Name", "BACKGROUND_JOB"}, {"Job-UUID", "other"}}, "no\n"), 5);
    peer.send(plain_event({{"Event-Name", "BACKGROUND_JOB"}, {"Job-UUID", uuid}}, "UP 0 years\n"),
              5);
    peer.send(plain_event({{"Event-Name", "HEARTBEAT"}}));
  });
  run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    Connection conn(io.get_executor());
    co_await conn.connect("127.0.0.1", server.port(), Credentials::password_only("ClueCon"));
    BackgroundJob job = co_await conn.bgapi("status");
    EXPECT_EQ(job.body, "UP 0 years\n");
    EXPECT_EQ(job.uuid.size(), 36u);
    EXPECT_EQ(job.event.name(), "BACKGROUND_JOB");
    // HEARTBEAT reaches the application (the fake sends it unasked); the job events do not.
    auto event = co_await conn.next_event(2s);
    EXPECT_TRUE(event.has_value());
    if (event) {
      EXPECT_EQ(event->name(), "HEARTBEAT");
    }
    conn.close();
  });
}

TEST(Connection, ExecuteCompletesWithTheMatchingExecuteComplete) {
  FakeServer server([](FakePeer& peer) {
    peer.accept_auth();
    EXPECT_EQ(peer.read_command().command,
              "event plain CHANNEL_EXECUTE_COMPLETE CHANNEL_HANGUP_COMPLETE");
    auto sendmsg = peer.read_command();
    EXPECT_EQ(sendmsg.command, "sendmsg abc");
    ASSERT_NE(sendmsg.header("Event-UUID"), nullptr);
    EXPECT_EQ(*sendmsg.header("call-command"), "execute");
    EXPECT_EQ(*sendmsg.header("execute-app-name"), "set");
    EXPECT_EQ(*sendmsg.header("execute-app-arg"), "x=1");
    EXPECT_EQ(*sendmsg.header("event-lock"), "true");
    std::string app_uuid = *sendmsg.header("Event-UUID");
    peer.send(reply("+OK event listener enabled plain") + reply("+OK"));
    peer.send(plain_event(
        {{"Event-Name", "CHANNEL_EXECUTE_COMPLETE"}, {"Application-UUID", "not-ours"}}));
    peer.send(plain_event({{"Event-Name", "CHANNEL_EXECUTE_COMPLETE"},
                           {"Application", "set"},
                           {"Application-Response", "_none_"},
                           {"Application-UUID", app_uuid}}),
              3);
  });
  run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    Connection conn(io.get_executor());
    co_await conn.connect("127.0.0.1", server.port(), Credentials::password_only("ClueCon"));
    Event done = co_await conn.execute("abc", "set", "x=1");
    EXPECT_EQ(done.header_or("Application"), "set");
    EXPECT_EQ(done.header_or("Application-Response"), "_none_");
    EXPECT_FALSE((co_await conn.next_event(100ms)).has_value());
    conn.close();
  });
}

TEST(Connection, ExecuteEndsWithAnErrorWhenItsChannelHangsUpFirst) {
  FakeServer server([](FakePeer& peer) {
    peer.accept_auth();
    peer.read_command();  // event plain ...
    EXPECT_EQ(peer.read_command().command, "sendmsg abc");
    peer.send(reply("+OK event listener enabled plain") + reply("+OK"));
    // Another channel's hangup leaves ours pending; ours ends it.
    peer.send(plain_event({{"Event-Name", "CHANNEL_HANGUP_COMPLETE"}, {"Unique-ID", "other"}}));
    peer.send(plain_event({{"Event-Name", "CHANNEL_HANGUP_COMPLETE"},
                           {"Unique-ID", "abc"},
                           {"Hangup-Cause", "DESTINATION_OUT_OF_ORDER"}}));
    peer.send(plain_event({{"Event-Name", "HEARTBEAT"}}));
  });
  run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    Connection conn(io.get_executor());
    co_await conn.connect("127.0.0.1", server.port(), Credentials::password_only("ClueCon"));
    try {
      co_await conn.execute("abc", "nosuchapp");
      ADD_FAILURE() << "execute did not throw";
    } catch (const ClientError& error) {
      EXPECT_EQ(error.kind(), ClientError::Kind::kChannelHungUp);
      EXPECT_EQ(std::string(error.what()),
                "channel abc hung up (DESTINATION_OUT_OF_ORDER) before the application completed");
    }
    // The library's hangup events are not handed out; the connection goes on.
    auto event = co_await conn.next_event(2s);
    EXPECT_TRUE(event && event->name() == "HEARTBEAT");
    EXPECT_TRUE(conn.is_open());
    conn.close();
  });
}

TEST(Connection, ExecuteTimesOutAfterTheCommandTimeout) {
  FakeServer server([](FakePeer& peer) {
    peer.accept_auth();
    peer.read_command();
    peer.read_command();
    peer.send(reply("+OK event listener enabled plain") + reply("+OK"));
    peer.read_command();  // api status, answered so the connection is seen to work on
    peer.send(api_response("UP"));
  });
  run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    ConnectionOptions options;
    options.command_timeout = 300ms;
    Connection conn(io.get_executor(), options);
    co_await conn.connect("127.0.0.1", server.port(), Credentials::password_only("ClueCon"));
    try {
      co_await conn.execute("abc", "playback", "forever.wav");
      ADD_FAILURE() << "execute did not throw";
    } catch (const ClientError& error) {
      EXPECT_EQ(error.kind(), ClientError::Kind::kTimeout);
    }
    EXPECT_EQ(co_await conn.api("status"), "UP");
    conn.close();
  });
}

TEST(Connection, ExecuteRejectedThrows) {
  FakeServer server([](FakePeer& peer) {
    peer.accept_auth();
    peer.read_command();
    peer.read_command();
    peer.send(reply("+OK event listener enabled plain") + reply("-ERR invalid session id [abc]"));
  });
  run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    Connection conn(io.get_executor());
    co_await conn.connect("127.0.0.1", server.port(), Credentials::password_only("ClueCon"));
    try {
      co_await conn.execute("abc", "answer");
      ADD_FAILURE() << "execute did not throw";
    } catch (const ClientError& error) {
      EXPECT_EQ(error.kind(), ClientError::Kind::kCommandRejected);
      EXPECT_NE(std::string(error.what()).find("invalid session id"), std::string::npos);
    }
    conn.close();
  });
}

TEST(Connection, FiltersLetTheLibraryEventsThrough) {
  FakeServer server([](FakePeer& peer) {
    peer.accept_auth();
    EXPECT_EQ(peer.read_command().command, "filter Unique-ID u1");
    peer.send(reply("+OK filter added. [Unique-ID]=[u1]"));
    EXPECT_EQ(peer.read_command().command, "event plain BACKGROUND_JOB");
    EXPECT_EQ(peer.read_command().command, "filter Event-Name BACKGROUND_JOB");
    auto bgapi = peer.read_command();
    std::string uuid = *bgapi.header("Job-UUID");
    EXPECT_EQ(uuid, "my-job");
    peer.send(reply("+OK") + reply("+OK") + reply("+OK Job-UUID: my-job"));
    peer.send(plain_event({{"Event-Name", "BACKGROUND_JOB"}, {"Job-UUID", uuid}}, "done"));
    EXPECT_EQ(peer.read_command().command, "filter delete Unique-ID u1");
    EXPECT_EQ(peer.read_command().command, "filter delete Event-Name BACKGROUND_JOB");
    peer.send(reply("+OK filter deleted. [Unique-ID]=[u1]") + reply("+OK"));
  });
  run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    Connection conn(io.get_executor());
    co_await conn.connect("127.0.0.1", server.port(), Credentials::password_only("ClueCon"));
    EXPECT_TRUE((co_await conn.filter("Unique-ID", "u1")).ok());
    auto job = co_await conn.bgapi("status", "my-job");
    EXPECT_EQ(job.body, "done");
    EXPECT_TRUE((co_await conn.filter_delete("Unique-ID", "u1")).ok());
    conn.close();
  });
}

TEST(Connection, HandlersReceiveEventsAndLogLinesInOrder) {
  FakeServer server([](FakePeer& peer) {
    peer.accept_auth();
    EXPECT_EQ(peer.read_command().command, "log 7");
    peer.send(reply("+OK log level 7 [7]"));
    EXPECT_EQ(peer.read_command().command, "event plain ALL");
    peer.send(reply("+OK event listener enabled plain"));
    std::string stream;
    for (int i = 0; i < 5; ++i) {
      stream += plain_event({{"Event-Name", "CUSTOM"}, {"Seq", std::to_string(i)}});
      stream += protocol::log_frame({.level = 4, .file = "f.c", .function = "fn", .line = i},
                                    "line " + std::to_string(i) + "\n");
    }
    peer.send(stream, 11);
    EXPECT_EQ(peer.read_command().command, "api sync");
    peer.send(api_response("done"));
  });
  run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    Connection conn(io.get_executor());
    std::vector<std::string> seen;
    conn.set_event_handler(
        [&](const Event& event) { seen.push_back("event " + *event.header("Seq")); });
    conn.set_log_handler([&](const LogLine& line) {
      EXPECT_EQ(line.level(), 4);
      seen.push_back("log " + line.text);
    });
    co_await conn.connect("127.0.0.1", server.port(), Credentials::password_only("ClueCon"));
    EXPECT_TRUE((co_await conn.log("7")).ok());
    EXPECT_TRUE((co_await conn.subscribe(protocol::EventFormat::kPlain, "ALL")).ok());
    // The reply comes after every event and log line, so all were handled when it arrives.
    EXPECT_EQ(co_await conn.api("sync"), "done");
    std::vector<std::string> expected;
    for (int i = 0; i < 5; ++i) {
      expected.push_back("event " + std::to_string(i));
      expected.push_back("log line " + std::to_string(i) + "\n");
    }
    EXPECT_EQ(seen, expected);
    conn.close();
  });
}

// The exception policy: a handler that throws ends the connection with a reason, whether it
// runs from the read loop or on events queued before it was set (the latter used to escape
// into the caller's io_context::run()).
TEST(Connection, HandlerThrowingOnQueuedEventsEndsTheConnectionWithAReason) {
  FakeServer server([](FakePeer& peer) {
    peer.accept_auth();
    EXPECT_EQ(peer.read_command().command, "event plain ALL");
    peer.send(reply("+OK event listener enabled plain"));
    peer.send(plain_event({{"Event-Name", "CUSTOM"}, {"Seq", "1"}}));
    EXPECT_EQ(peer.read_command().command, "api sync");
    peer.send(api_response("done"));
    peer.read_command();  // until the client goes away
  });
  run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    Connection conn(io.get_executor());
    co_await conn.connect("127.0.0.1", server.port(), Credentials::password_only("ClueCon"));
    EXPECT_TRUE((co_await conn.subscribe(protocol::EventFormat::kPlain, "ALL")).ok());
    EXPECT_EQ(co_await conn.api("sync"), "done");
    conn.set_event_handler([](const Event&) { throw std::runtime_error("handler broke"); });
    // The handler runs on the strand, after this coroutine lets it go.
    asio::steady_timer pause(io, 100ms);
    co_await pause.async_wait(asio::use_awaitable);
    EXPECT_FALSE(conn.is_open());
    EXPECT_EQ(conn.close_reason(), "event handler failed: handler broke");
  });
}

TEST(Connection, DisconnectNoticeFailsPendingCommands) {
  FakeServer server([](FakePeer& peer) {
    peer.accept_auth();
    EXPECT_EQ(peer.read_command().command, "api status");
    peer.send(protocol::disconnect_notice(protocol::kShutdownText), 4);
    peer.close();
  });
  run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    Connection conn(io.get_executor());
    co_await conn.connect("127.0.0.1", server.port(), Credentials::password_only("ClueCon"));
    try {
      co_await conn.api("status");
      ADD_FAILURE() << "api did not throw";
    } catch (const ClientError& error) {
      EXPECT_EQ(error.kind(), ClientError::Kind::kDisconnected);
      EXPECT_NE(std::string(error.what()).find("The system is being shut down."),
                std::string::npos);
    }
    EXPECT_FALSE(conn.is_open());
    EXPECT_EQ(conn.close_reason(), "The system is being shut down.");
    EXPECT_FALSE((co_await conn.next_event(1s)).has_value());
    try {
      co_await conn.api("status");
      ADD_FAILURE() << "api after the end did not throw";
    } catch (const ClientError& error) {
      EXPECT_EQ(error.kind(), ClientError::Kind::kNotConnected);
    }
  });
}

TEST(Connection, LingerNoticeKeepsTheConnection) {
  FakeServer server([](FakePeer& peer) {
    peer.accept_auth();
    EXPECT_EQ(peer.read_command().command, "api echo hi");
    peer.send(protocol::linger_notice("u1", "sofia/x", 10) + api_response("hi"));
  });
  run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    Connection conn(io.get_executor());
    co_await conn.connect("127.0.0.1", server.port(), Credentials::password_only("ClueCon"));
    EXPECT_EQ(co_await conn.api("echo hi"), "hi");
    EXPECT_TRUE(conn.is_open());
    conn.close();
  });
}

TEST(Connection, RudeRejectionIsAccessDenied) {
  FakeServer server([](FakePeer& peer) {
    peer.send(std::string(protocol::kRudeRejection) +
              protocol::disconnect_notice(protocol::kGoodbyeText));
    peer.close();
  });
  run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    Connection conn(io.get_executor());
    try {
      co_await conn.connect("127.0.0.1", server.port(), Credentials::password_only("ClueCon"));
      ADD_FAILURE() << "connect did not throw";
    } catch (const ClientError& error) {
      EXPECT_EQ(error.kind(), ClientError::Kind::kAccessDenied);
      EXPECT_STREQ(error.what(), "access denied: Access Denied, go away.");
    }
    EXPECT_FALSE(conn.is_open());
  });
}

TEST(Connection, WrongPasswordIsAuthFailed) {
  FakeServer server([](FakePeer& peer) {
    peer.send(protocol::kAuthRequest);
    EXPECT_EQ(peer.read_command().command, "userauth 1000@default:bad");
    peer.send(reply("-ERR invalid") + protocol::disconnect_notice(protocol::kGoodbyeText));
    peer.close();
  });
  run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    Connection conn(io.get_executor());
    try {
      co_await conn.connect("127.0.0.1", server.port(),
                            Credentials::directory_user("1000@default", "bad"));
      ADD_FAILURE() << "connect did not throw";
    } catch (const ClientError& error) {
      EXPECT_EQ(error.kind(), ClientError::Kind::kAuthFailed);
      EXPECT_STREQ(error.what(), "authentication failed: -ERR invalid");
    }
  });
}

TEST(Connection, ConnectRefusedIsConnectFailed) {
  unsigned short unused_port;
  {
    asio::io_context io;
    asio::ip::tcp::acceptor probe(io, {asio::ip::make_address("127.0.0.1"), 0});
    unused_port = probe.local_endpoint().port();
  }
  run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    Connection conn(io.get_executor());
    try {
      co_await conn.connect("127.0.0.1", unused_port, Credentials::password_only("ClueCon"));
      ADD_FAILURE() << "connect did not throw";
    } catch (const ClientError& error) {
      EXPECT_EQ(error.kind(), ClientError::Kind::kConnectFailed);
    }
  });
}

TEST(Connection, TimedOutReplyIsSkippedWhenItArrivesLate) {
  FakeServer server([](FakePeer& peer) {
    peer.accept_auth();
    EXPECT_EQ(peer.read_command().command, "api slow");
    EXPECT_EQ(peer.read_command().command, "api fast");
    peer.send(api_response("slow result") + api_response("fast result"));
  });
  run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    ConnectionOptions options;
    options.command_timeout = 200ms;
    Connection conn(io.get_executor(), options);
    co_await conn.connect("127.0.0.1", server.port(), Credentials::password_only("ClueCon"));
    try {
      co_await conn.api("slow");
      ADD_FAILURE() << "api did not time out";
    } catch (const ClientError& error) {
      EXPECT_EQ(error.kind(), ClientError::Kind::kTimeout);
    }
    EXPECT_EQ(co_await conn.api("fast"), "fast result");
    conn.close();
  });
}

// fs_cli's form of api (console_execute), and a reply handler that sees the reply in its wire
// place among the events: after the event sent before it, before the events sent after it.
TEST(Connection, ApiOptionsSendConsoleExecuteAndKeepTheWireOrder) {
  FakeServer server([](FakePeer& peer) {
    peer.accept_auth();
    EXPECT_EQ(peer.read_command().command, "event plain CUSTOM");
    peer.send(reply("+OK event listener enabled plain"));
    auto packet = peer.read_command();
    EXPECT_EQ(packet.command, "api echo a;;echo b");
    const std::string* console = packet.header("console_execute");
    EXPECT_TRUE(console != nullptr && *console == "true");
    packet = peer.read_command();
    EXPECT_EQ(packet.command, "api echo c");
    EXPECT_EQ(packet.header("console_execute"), nullptr);
    peer.send(plain_event({{"Event-Name", "CUSTOM"}, {"Seq", "1"}}) + api_response("ab") +
                  plain_event({{"Event-Name", "CUSTOM"}, {"Seq", "2"}}) + api_response("c"),
              5);
  });
  run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    using namespace asio::experimental::awaitable_operators;
    Connection conn(io.get_executor());
    std::vector<std::string> seen;
    conn.set_event_handler(
        [&](const Event& event) { seen.push_back("event " + *event.header("Seq")); });
    co_await conn.connect("127.0.0.1", server.port(), Credentials::password_only("ClueCon"));
    EXPECT_TRUE((co_await conn.subscribe(protocol::EventFormat::kPlain, "CUSTOM")).ok());
    auto record = [&](const std::string& body) { seen.push_back("reply " + body); };
    auto [first, second] =
        co_await (conn.api("echo a;;echo b", {.console_execute = true, .on_reply = record}) &&
                  conn.api("echo c", {.on_reply = record}));
    EXPECT_EQ(first, "ab");
    EXPECT_EQ(second, "c");
    EXPECT_EQ(seen, (std::vector<std::string>{"event 1", "reply ab", "event 2", "reply c"}));
    conn.close();
  });
}

// With an event handler, next_event() tells of the connection's end: it waits until then.
TEST(Connection, NextEventWithAHandlerWaitsForTheEnd) {
  FakeServer server([](FakePeer& peer) {
    peer.accept_auth();
    EXPECT_EQ(peer.read_command().command, "event plain CUSTOM");
    peer.send(reply("+OK event listener enabled plain") +
              plain_event({{"Event-Name", "CUSTOM"}, {"Seq", "1"}}));
    peer.close();
  });
  run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    Connection conn(io.get_executor());
    int handled = 0;
    conn.set_event_handler([&](const Event&) { ++handled; });
    co_await conn.connect("127.0.0.1", server.port(), Credentials::password_only("ClueCon"));
    EXPECT_TRUE((co_await conn.subscribe(protocol::EventFormat::kPlain, "CUSTOM")).ok());
    EXPECT_FALSE((co_await conn.next_event(5s)).has_value());
    EXPECT_EQ(handled, 1);
    EXPECT_FALSE(conn.is_open());
  });
}

// The callback form of api (for a proxy relaying replies): each callback runs once, with the
// body or the error, and a late reply to a timed-out command is skipped as with the awaitable.
struct ApiResults {
  std::vector<std::pair<std::string, std::string>> got;
  Connection::ApiCallback record() {
    return [this](std::string body, std::string error) {
      got.emplace_back(std::move(body), std::move(error));
    };
  }
};

asio::awaitable<void> wait_for_results(asio::io_context& io, const ApiResults& results,
                                       std::size_t count) {
  asio::steady_timer pause(io);
  for (int i = 0; i < 300 && results.got.size() < count; ++i) {
    pause.expires_after(10ms);
    co_await pause.async_wait(asio::use_awaitable);
  }
}

TEST(Connection, ApiCallbackGetsBodyOrTimeoutInCommandOrder) {
  FakeServer server([](FakePeer& peer) {
    peer.accept_auth();
    EXPECT_EQ(peer.read_command().command, "api slow");
    EXPECT_EQ(peer.read_command().command, "api fast");
    peer.send(api_response("slow result") + api_response("fast result"));
  });
  ApiResults results;
  run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    ConnectionOptions options;
    options.command_timeout = 200ms;
    Connection conn(io.get_executor(), options);
    co_await conn.connect("127.0.0.1", server.port(), Credentials::password_only("ClueCon"));
    conn.api_async("slow", results.record());
    EXPECT_TRUE(results.got.empty());  // never inline
    co_await wait_for_results(io, results, 1);
    conn.api_async("fast", results.record());
    co_await wait_for_results(io, results, 2);
    conn.close();
    // On a closed connection the callback gets the error, still not inline.
    conn.api_async("late", results.record());
    EXPECT_EQ(results.got.size(), 2u);
    co_await wait_for_results(io, results, 3);
  });
  ASSERT_EQ(results.got.size(), 3u);
  EXPECT_EQ(results.got[0].first, "");
  EXPECT_NE(results.got[0].second.find("timed out"), std::string::npos) << results.got[0].second;
  EXPECT_EQ(results.got[1].first, "fast result");
  EXPECT_EQ(results.got[1].second, "");
  EXPECT_EQ(results.got[2].first, "");
  EXPECT_FALSE(results.got[2].second.empty());
}

}  // namespace
}  // namespace es::client
