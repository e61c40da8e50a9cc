// The client library's reconnection and outbound server against the real daemon: the daemon is
// killed under a subscribed, filtered connection with a bgapi in flight and started again on the
// same port; and a call handed to an OutboundServer by the `socket` application is answered,
// played to, questioned and hung up.
#include <gtest/gtest.h>

#include <asio/co_spawn.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/use_future.hpp>

#include <algorithm>
#include <csignal>
#include <future>
#include <thread>

#include "client/outbound_server.hpp"
#include "client/sync_connection.hpp"
#include "daemon_process.hpp"
#include "reconnect_reports.hpp"

namespace es::itest {
namespace {

using namespace std::chrono_literals;
using client::ClientError;
using client::Credentials;
using client::SyncConnection;

std::vector<std::string> args_on_port(unsigned short port) {
  return {"--listen-ip",          "127.0.0.1", "--listen-port", std::to_string(port), "--no-color",
          "--heartbeat-interval", "3600"};
}

std::string strip_newlines(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

TEST(ClientReconnect, KilledDaemonComesBackWithSubscriptionsFiltersAndTheLostJobReported) {
  auto daemon = std::make_unique<DaemonProcess>(DaemonProcess::default_args());
  ASSERT_TRUE(daemon->listening()) << daemon->stderr_text();
  const unsigned short port = daemon->port();

  client::ConnectionOptions options;
  options.reconnect.enabled = true;
  options.reconnect.initial_backoff = 100ms;
  options.reconnect.max_backoff = 1s;
  options.reconnect.multiplier = 2.0;
  SyncConnection conn(options);
  ReconnectReports reports(conn);
  ASSERT_NO_THROW(conn.connect("127.0.0.1", port, Credentials::password_only("ClueCon")));
  ASSERT_TRUE(conn.subscribe(protocol::EventFormat::kJson, "CUSTOM client::reconnect").ok());
  ASSERT_TRUE(conn.filter("X-Tag", "keep").ok());

  const std::string job_uuid = "0b7c61f2-6e1d-4b58-9d1a-3c2f8e4a5b6d";
  auto job = std::async(std::launch::async, [&] { return conn.bgapi("msleep 5000", job_uuid); });
  // The job is in flight once the daemon answered "+OK Job-UUID"; msleep keeps it running.
  ASSERT_EQ(job.wait_for(500ms), std::future_status::timeout);

  ASSERT_EQ(::kill(daemon->pid(), SIGKILL), 0);
  ASSERT_TRUE(daemon->wait_exit(5s).has_value());
  try {
    job.get();
    ADD_FAILURE() << "the bgapi survived the daemon";
  } catch (const ClientError& error) {
    EXPECT_EQ(error.kind(), ClientError::Kind::kDisconnected);
    EXPECT_NE(std::string(error.what()).find(job_uuid), std::string::npos) << error.what();
  }
  EXPECT_FALSE(conn.is_open());

  daemon = std::make_unique<DaemonProcess>(args_on_port(port));
  ASSERT_TRUE(daemon->listening()) << daemon->stderr_text();
  {
    std::optional<client::ReconnectInfo> info = reports.wait_first(15s);
    ASSERT_TRUE(info);
    EXPECT_TRUE(info->reconnected) << info->last_error;
    EXPECT_GE(info->attempts, 1);
    ASSERT_EQ(info->lost_jobs.size(), 1u);
    EXPECT_EQ(info->lost_jobs.front().uuid, job_uuid);
    EXPECT_EQ(info->lost_jobs.front().command, "msleep 5000");
  }
  EXPECT_TRUE(conn.is_open());

  // Back are the subscription (only client::reconnect) and the filter (only X-Tag: keep).
  auto fire = [&](const std::string& subclass, const std::string& tag) {
    client::Reply sent =
        conn.sendevent("CUSTOM", {{"Event-Subclass", subclass}, {"X-Tag", tag}}, {});
    EXPECT_TRUE(sent.ok()) << sent.text;
  };
  fire("client::reconnect", "drop");
  fire("client::elsewhere", "keep");
  fire("client::reconnect", "keep");
  auto event = conn.next_event(5s);
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->header_or("Event-Subclass"), "client::reconnect");
  EXPECT_EQ(event->header_or("X-Tag"), "keep");
  EXPECT_FALSE(conn.next_event(300ms).has_value());
  // And bgapi works again.
  EXPECT_EQ(conn.bgapi("echo again").body, "again");
}

// Runs an io_context on its own thread for the OutboundServer.
class IoThread {
 public:
  IoThread() : work_(io_.get_executor()), thread_([this] { io_.run(); }) {}
  ~IoThread() {
    work_.reset();
    io_.stop();
    thread_.join();
  }
  asio::io_context& io() { return io_; }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::thread thread_;
};

struct OutboundOutcome {
  std::string uuid;
  std::string control;
  std::string playback_response;
  std::string socket_host;
  std::string played_ms;
  std::vector<std::string> events;
  bool ended = false;
  std::string close_reason;
};

asio::awaitable<OutboundOutcome> drive_one_call(client::OutboundServer& server) {
  OutboundOutcome outcome;
  std::unique_ptr<client::OutboundSession> session = co_await server.accept();
  client::Event data = co_await session->connect();
  outcome.uuid = session->uuid();
  outcome.control = std::string(data.header_or("Control"));
  co_await session->myevents();
  co_await session->execute("answer");
  client::Event played = co_await session->execute("playback", "silence_stream://200");
  outcome.playback_response = std::string(played.header_or("Application-Response"));
  outcome.socket_host = co_await session->getvar("socket_host");
  outcome.played_ms = co_await session->getvar("playback_ms");
  co_await session->hangup();
  client::Connection& conn = session->connection();
  while (auto event = co_await conn.next_event(5s)) outcome.events.emplace_back(event->name());
  outcome.ended = !conn.is_open();
  outcome.close_reason = conn.close_reason();
  co_return outcome;
}

TEST(ClientOutbound, OutboundServerAnswersPlaysReadsAVariableAndHangsUp) {
  DaemonProcess daemon(DaemonProcess::default_args());
  ASSERT_TRUE(daemon.listening()) << daemon.stderr_text();
  IoThread io;
  client::OutboundServer server(io.io().get_executor());
  ASSERT_NO_THROW(server.listen("127.0.0.1", 0));
  std::future<OutboundOutcome> outcome =
      asio::co_spawn(io.io(), drive_one_call(server), asio::use_future);

  SyncConnection control;
  ASSERT_NO_THROW(
      control.connect("127.0.0.1", daemon.port(), Credentials::password_only("ClueCon")));
  std::string originated =
      control.api("originate null/1 'socket:127.0.0.1:" + std::to_string(server.port()) +
                  " async full' inline");
  ASSERT_TRUE(originated.starts_with("+OK ")) << originated;
  std::string uuid = strip_newlines(originated.substr(4));

  ASSERT_EQ(outcome.wait_for(20s), std::future_status::ready);
  OutboundOutcome result = outcome.get();
  EXPECT_EQ(result.uuid, uuid);
  EXPECT_EQ(result.control, "full");
  EXPECT_EQ(result.playback_response, "FILE PLAYED");
  EXPECT_EQ(result.socket_host, "127.0.0.1");
  EXPECT_EQ(result.played_ms, "200");
  EXPECT_NE(std::find(result.events.begin(), result.events.end(), "CHANNEL_HANGUP"),
            result.events.end());
  EXPECT_TRUE(result.ended);
  EXPECT_FALSE(result.close_reason.empty());
  server.close();
}

}  // namespace
}  // namespace es::itest
