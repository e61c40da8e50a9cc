// Outbound event socket: the switch runs the `socket` dialplan application, connects to us and
// hands over one call per connection (docs/outbound.md).
//
//   es::client::OutboundServer server(io.get_executor());
//   server.listen("127.0.0.1", 8084);
//   for (;;) {
//     std::unique_ptr<es::client::OutboundSession> session = co_await server.accept();
//     asio::co_spawn(io, [s = std::move(session)]() -> asio::awaitable<void> {
//       co_await s->connect();                      // CHANNEL_DATA
//       co_await s->myevents();
//       co_await s->execute("answer");
//       co_await s->execute("playback", "silence_stream://200");
//       co_await s->hangup();
//     }, asio::detached);
//   }
//
// The switch sends nothing first and never writes the reply to the first command it reads, so
// connect() must be the first thing a session does. There is no greeting and no authentication.
// The session ends when the switch sends its disconnect notice (the call hung up and no linger
// is in effect, or the linger time ran out) and closes the socket; events that arrived before
// the notice are still handed out by next_event(). A linger notice leaves the session open.
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "client/connection.hpp"

namespace es::client {

class OutboundSession {
 public:
  // Takes over `socket`, already connected by the switch.
  OutboundSession(asio::ip::tcp::socket socket, ConnectionOptions options);
  OutboundSession(const OutboundSession&) = delete;
  OutboundSession& operator=(const OutboundSession&) = delete;

  // Sends "connect" and returns the CHANNEL_DATA event (also kept: channel_data()).
  asio::awaitable<Event> connect();
  // Empty until connect() completed.
  const Event& channel_data() const { return channel_data_; }
  // Unique-ID of the channel (from the CHANNEL_DATA).
  std::string uuid() const;

  // "myevents [<format>]": the channel's events (docs/wire-protocol.md §5.6) reach next_event() or
  // the event handler. kPlain sends "myevents" alone and keeps the session's format.
  asio::awaitable<Reply> myevents(protocol::EventFormat format = protocol::EventFormat::kPlain);
  // "linger <seconds>"; zero sends "linger" alone (linger until the session is closed).
  asio::awaitable<Reply> linger(std::chrono::seconds seconds = std::chrono::seconds::zero());
  asio::awaitable<Reply> nolinger();
  asio::awaitable<Reply> resume();
  // "getvar <name>": the variable's value; empty when it is unset (the switch then answers
  // "-ERR command not found").
  asio::awaitable<std::string> getvar(std::string name);
  // Runs `app` on the channel and completes with its CHANNEL_EXECUTE_COMPLETE. Without a prior
  // myevents() the session enables "myevents" itself and keeps those events from the
  // application. Throws ClientError(kCommandRejected) on -ERR.
  asio::awaitable<Event> execute(std::string app, std::string arg = {}, bool event_lock = true);
  // "sendmsg" with call-command: hangup.
  asio::awaitable<Reply> hangup(std::string cause = "NORMAL_CLEARING");

  // The underlying connection: api(), bgapi(), subscribe(), filter(), next_event(),
  // set_event_handler(), close()... on the same socket (api, bgapi and event need a `full`
  // socket application).
  Connection& connection() { return connection_; }

 private:
  Connection connection_;
  Event channel_data_;
};

class OutboundServer {
 public:
  // Sessions use `options` (command_timeout; reconnection does not apply to them).
  explicit OutboundServer(asio::any_io_executor executor, ConnectionOptions options = {});
  ~OutboundServer();
  OutboundServer(const OutboundServer&) = delete;
  OutboundServer& operator=(const OutboundServer&) = delete;

  // Binds and listens; port 0 picks a free one. Throws ClientError(kConnectFailed) when the
  // address cannot be resolved or bound.
  void listen(const std::string& host, unsigned short port);
  // The bound port (after listen()).
  unsigned short port() const;
  // The next call the switch hands over. Throws ClientError(kNotConnected) when not listening
  // or closed while waiting.
  asio::awaitable<std::unique_ptr<OutboundSession>> accept();
  // Stops listening; a pending accept() throws. Sessions already accepted are not touched.
  void close();

 private:
  asio::any_io_executor executor_;
  ConnectionOptions options_;
  asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
};

}  // namespace es::client
