// Reconnection against the scripted fake server: the socket drops, the connection comes back,
// restores its filters, subscriptions and log level in order, reports the jobs it lost, backs
// off between failed attempts, gives up when told to, and stays down after disconnect().
#include <gtest/gtest.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include "client/connection.hpp"
#include "client/connection_state.hpp"
#include "fake_server.hpp"

namespace es::client {
namespace {

using namespace std::chrono_literals;
using test::FakePeer;
using test::FakeServer;
using test::plain_event;
using test::reply;
using Clock = std::chrono::steady_clock;

using test::run_coroutine;

// Polls `done` every 10 ms for up to `limit`.
asio::awaitable<bool> eventually(asio::io_context& io, std::function<bool()> done,
                                 std::chrono::milliseconds limit = 5s) {
  asio::steady_timer timer(io);
  for (auto deadline = Clock::now() + limit; Clock::now() < deadline;) {
    if (done()) co_return true;
    timer.expires_after(10ms);
    co_await timer.async_wait(asio::use_awaitable);
  }
  co_return done();
}

ConnectionOptions reconnecting(std::chrono::milliseconds initial, double multiplier = 2.0,
                               int max_attempts = 0) {
  ConnectionOptions options;
  options.connect_timeout = 2s;
  options.reconnect.enabled = true;
  options.reconnect.initial_backoff = initial;
  options.reconnect.max_backoff = 10s;
  options.reconnect.multiplier = multiplier;
  options.reconnect.max_attempts = max_attempts;
  return options;
}

// The first connection of a test: accepted, then dropped once the client asks "api drop" (so
// the drop cannot overtake the end of connect()).
void accept_then_drop(FakePeer& peer, std::string_view notice = {}) {
  peer.accept_auth();
  EXPECT_EQ(peer.read_command().command, "api drop");
  if (!notice.empty()) peer.send(protocol::disconnect_notice(notice));
  peer.close();
}

asio::awaitable<void> ask_for_the_drop(Connection& conn) {
  try {
    co_await conn.api("drop");
    ADD_FAILURE() << "the api survived the drop";
  } catch (const ClientError& error) {
    EXPECT_EQ(error.kind(), ClientError::Kind::kDisconnected);
  }
}

void expect_command(FakePeer& peer, const std::string& expected, std::string_view answer = "+OK") {
  EXPECT_EQ(peer.read_command().command, expected);
  peer.send(reply(answer));
}

TEST(Reconnect, RestoresFiltersSubscriptionsAndLogLevelAndReportsLostJobs) {
  std::string job_uuid;
  FakeServer server(std::vector<FakeServer::Script>{
      [&](FakePeer& peer) {
        peer.accept_auth();
        expect_command(peer, "filter Unique-ID u1");
        expect_command(peer, "filter Event-Name CUSTOM");
        expect_command(peer, "event json CHANNEL_ANSWER CUSTOM my::Sub");
        expect_command(peer, "event json CUSTOM other::sub");
        expect_command(peer, "log 5", "+OK log level 5 [5]");
        // bgapi: its library subscription and filter, then the job, which never finishes here.
        expect_command(peer, "event json BACKGROUND_JOB");
        expect_command(peer, "filter Event-Name BACKGROUND_JOB");
        auto bgapi = peer.read_command();
        EXPECT_EQ(bgapi.command, "bgapi msleep 5000");
        ASSERT_NE(bgapi.header("Job-UUID"), nullptr);
        job_uuid = *bgapi.header("Job-UUID");
        peer.send(reply("+OK Job-UUID: " + job_uuid));
        EXPECT_EQ(peer.read_command().command, "api status");  // never answered
        peer.close();
      },
      [&](FakePeer& peer) {
        peer.accept_auth();
        // Filters first, then the application's subscription (format and subclasses as typed),
        // then the library's, then the log level.
        expect_command(peer, "filter Unique-ID u1");
        expect_command(peer, "filter Event-Name CUSTOM");
        expect_command(peer, "filter Event-Name BACKGROUND_JOB");
        expect_command(peer, "event json CHANNEL_ANSWER CUSTOM my::Sub other::sub");
        expect_command(peer, "event json BACKGROUND_JOB");
        expect_command(peer, "log 5", "+OK log level 5 [5]");
        peer.send(test::plain_event({{"Event-Name", "CHANNEL_ANSWER"}, {"Unique-ID", "u1"}}));
        EXPECT_EQ(peer.read_command().command, "api echo back");
        peer.send(test::api_response("back"));
      }});
  run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    Connection conn(io.get_executor(), reconnecting(20ms));
    std::vector<ReconnectInfo> reports;
    conn.set_reconnect_handler([&](const ReconnectInfo& info) { reports.push_back(info); });
    // The drop is told at once, before the reconnection's own report.
    std::vector<std::string> drops;
    std::size_t reports_at_drop = 99;
    conn.set_disconnect_handler([&](const std::string& reason) {
      drops.push_back(reason);
      reports_at_drop = reports.size();
    });
    co_await conn.connect("127.0.0.1", server.port(), Credentials::password_only("ClueCon"));
    EXPECT_TRUE((co_await conn.filter("Unique-ID", "u1")).ok());
    EXPECT_TRUE((co_await conn.filter("Event-Name", "CUSTOM")).ok());
    EXPECT_TRUE(
        (co_await conn.subscribe(protocol::EventFormat::kJson, "CHANNEL_ANSWER CUSTOM my::Sub"))
            .ok());
    EXPECT_TRUE((co_await conn.subscribe(protocol::EventFormat::kJson, "CUSTOM other::sub")).ok());
    EXPECT_TRUE((co_await conn.log("5")).ok());

    std::optional<ClientError> job_error;
    std::optional<ClientError> api_error;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          try {
            co_await conn.bgapi("msleep 5000");
          } catch (const ClientError& error) {
            job_error = error;
          }
        },
        asio::detached);
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          try {
            co_await conn.api("status");
          } catch (const ClientError& error) {
            api_error = error;
          }
        },
        asio::detached);

    // next_event() waits through the reconnection and gets the first event after it.
    auto event = co_await conn.next_event(5s);
    EXPECT_TRUE(event.has_value());
    if (event) {
      EXPECT_EQ(event->name(), "CHANNEL_ANSWER");
    }
    EXPECT_TRUE(co_await eventually(io, [&] { return !reports.empty(); }));
    EXPECT_TRUE(conn.is_open());

    EXPECT_TRUE(job_error.has_value());
    if (job_error) {
      EXPECT_EQ(job_error->kind(), ClientError::Kind::kDisconnected);
      EXPECT_NE(std::string(job_error->what()).find(job_uuid), std::string::npos)
          << job_error->what();
    }
    EXPECT_TRUE(api_error.has_value());
    if (api_error) {
      EXPECT_EQ(api_error->kind(), ClientError::Kind::kDisconnected);
    }

    EXPECT_EQ(drops, std::vector<std::string>{"closed by the server"});
    EXPECT_EQ(reports_at_drop, 0u);
    EXPECT_EQ(reports.size(), 1u);
    if (!reports.empty()) {
      const ReconnectInfo& info = reports.front();
      EXPECT_TRUE(info.reconnected);
      EXPECT_EQ(info.attempts, 1);
      EXPECT_EQ(info.reason, "closed by the server");
      EXPECT_EQ(info.failed_commands, 1u);  // the api
      EXPECT_EQ(info.lost_jobs.size(), 1u);
      if (!info.lost_jobs.empty()) {
        EXPECT_EQ(info.lost_jobs.front().uuid, job_uuid);
        EXPECT_EQ(info.lost_jobs.front().command, "msleep 5000");
      }
    }
    EXPECT_EQ(co_await conn.api("echo back"), "back");
    conn.close();
  });
}

TEST(Reconnect, FailedAttemptsBackOffExponentially) {
  Clock::time_point dropped;
  auto refuse = [](FakePeer& peer) { peer.close(); };  // connection accepted, no greeting
  FakeServer server(std::vector<FakeServer::Script>{
      [&](FakePeer& peer) {
        dropped = Clock::now();  // a little early: the lower bounds below still hold
        accept_then_drop(peer);
      },
      refuse, refuse,
      [](FakePeer& peer) {
        peer.accept_auth();
        EXPECT_EQ(peer.read_command().command, "api echo up");
        peer.send(test::api_response("up"));
      }});
  run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    Connection conn(io.get_executor(), reconnecting(100ms, 3.0));
    std::vector<ReconnectInfo> reports;
    conn.set_reconnect_handler([&](const ReconnectInfo& info) { reports.push_back(info); });
    co_await conn.connect("127.0.0.1", server.port(), Credentials::password_only("ClueCon"));
    co_await ask_for_the_drop(conn);
    EXPECT_TRUE(co_await eventually(io, [&] { return !reports.empty(); }));
    EXPECT_TRUE(conn.is_open());
    EXPECT_EQ(co_await conn.api("echo up"), "up");
    if (!reports.empty()) {
      EXPECT_TRUE(reports.front().reconnected);
      EXPECT_EQ(reports.front().attempts, 3);
      EXPECT_FALSE(reports.front().last_error.empty());
    }
    conn.close();
  });
  // Waits of 100, 300 and 900 ms before the three attempts (lower bounds only).
  auto accepted = server.accept_times();
  ASSERT_EQ(accepted.size(), 4u);
  EXPECT_GE(accepted[1] - dropped, 100ms);
  EXPECT_GE(accepted[2] - accepted[1], 300ms);
  EXPECT_GE(accepted[3] - accepted[2], 900ms);
}

TEST(Reconnect, BackoffGrowsByTheMultiplierUpToTheCap) {
  ReconnectPolicy policy;
  policy.multiplier = 2.5;
  policy.max_backoff = 1000ms;
  EXPECT_EQ(detail::next_backoff(100ms, policy), 250ms);
  EXPECT_EQ(detail::next_backoff(250ms, policy), 625ms);
  EXPECT_EQ(detail::next_backoff(625ms, policy), 1000ms);
  EXPECT_EQ(detail::next_backoff(1000ms, policy), 1000ms);
  policy.multiplier = 0.5;  // never shrinks
  EXPECT_EQ(detail::next_backoff(300ms, policy), 300ms);
}

TEST(Reconnect, GivesUpAfterMaxAttempts) {
  FakeServer server(std::vector<FakeServer::Script>{
      [](FakePeer& peer) { accept_then_drop(peer, protocol::kShutdownText); },
      [](FakePeer& peer) { peer.close(); },
      [](FakePeer& peer) {
        peer.send(protocol::kAuthRequest);
        peer.close();
      }});
  run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    Connection conn(io.get_executor(), reconnecting(10ms, 2.0, 2));
    std::vector<ReconnectInfo> reports;
    conn.set_reconnect_handler([&](const ReconnectInfo& info) { reports.push_back(info); });
    co_await conn.connect("127.0.0.1", server.port(), Credentials::password_only("ClueCon"));
    co_await ask_for_the_drop(conn);
    // The queue reader learns of the end only when the connection gives up.
    EXPECT_FALSE((co_await conn.next_event(5s)).has_value());
    EXPECT_FALSE(conn.is_open());
    EXPECT_EQ(reports.size(), 1u);
    if (!reports.empty()) {
      EXPECT_FALSE(reports.front().reconnected);
      EXPECT_EQ(reports.front().attempts, 2);
      EXPECT_EQ(reports.front().reason, "The system is being shut down.");
    }
    EXPECT_TRUE(conn.close_reason().starts_with("gave up reconnecting after 2 attempts"))
        << conn.close_reason();
  });
}

TEST(Reconnect, CommandsWhileReconnectingFailAtOnce) {
  FakeServer server(std::vector<FakeServer::Script>{[](FakePeer& peer) { accept_then_drop(peer); },
                                                    [](FakePeer& peer) {
                                                      peer.accept_auth();
                                                      EXPECT_EQ(peer.read_command().command,
                                                                "api echo later");
                                                      peer.send(test::api_response("later"));
                                                    }});
  run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    Connection conn(io.get_executor(), reconnecting(500ms));
    bool reconnected = false;
    conn.set_reconnect_handler([&](const ReconnectInfo& info) { reconnected = info.reconnected; });
    co_await conn.connect("127.0.0.1", server.port(), Credentials::password_only("ClueCon"));
    co_await ask_for_the_drop(conn);
    EXPECT_FALSE(conn.is_open());
    for (int i = 0; i < 2; ++i) {
      try {
        if (i == 0) co_await conn.api("echo now");
        if (i == 1) co_await conn.subscribe(protocol::EventFormat::kPlain, "ALL");
        ADD_FAILURE() << "command " << i << " did not throw while reconnecting";
      } catch (const ClientError& error) {
        EXPECT_EQ(error.kind(), ClientError::Kind::kDisconnected);
      }
    }
    EXPECT_TRUE(co_await eventually(io, [&] { return reconnected; }));
    // The refused subscribe left nothing to restore: the next command is the api.
    EXPECT_EQ(co_await conn.api("echo later"), "later");
    conn.close();
  });
}

TEST(Reconnect, NoReconnectionAfterTheApplicationsDisconnect) {
  FakeServer server([](FakePeer& peer) {
    peer.accept_auth();
    EXPECT_EQ(peer.read_command().command, "exit");
    peer.send(reply("+OK bye") + protocol::disconnect_notice(protocol::kGoodbyeText));
    peer.close();
  });
  run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    ConnectionOptions options = reconnecting(10ms, 1.0, 1);
    options.connect_timeout = 100ms;
    Connection conn(io.get_executor(), options);
    int reports = 0;
    conn.set_reconnect_handler([&](const ReconnectInfo&) { ++reports; });
    co_await conn.connect("127.0.0.1", server.port(), Credentials::password_only("ClueCon"));
    co_await conn.disconnect();
    // A wrong reconnection would have tried once and reported its failure within ~150 ms.
    asio::steady_timer pause(io, 500ms);
    co_await pause.async_wait(asio::use_awaitable);
    EXPECT_EQ(reports, 0);
    EXPECT_FALSE(conn.is_open());
    EXPECT_TRUE(conn.close_reason().starts_with("Disconnected, goodbye.")) << conn.close_reason();
  });
}

}  // namespace
}  // namespace es::client
