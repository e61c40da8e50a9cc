// A scripted event socket server for the client's unit tests: listens on 127.0.0.1 (free port),
// accepts one connection and runs a script on its own thread with blocking reads and writes.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "protocol/command_parser.hpp"

namespace es::client::test {

class FakePeer {
 public:
  explicit FakePeer(asio::ip::tcp::socket socket) : socket_(std::move(socket)) {}
  // Sends `bytes`; with `piece` > 0 in pieces of that size with a pause between them, so the
  // client receives one message over many reads.
  void send(std::string_view bytes, std::size_t piece = 0);
  // The next command packet from the client; an empty command at end of stream.
  protocol::CommandPacket read_command();
  // Greeting, then expects "auth <password>" and accepts it.
  void accept_auth(std::string_view password = "ClueCon");
  void close();

 private:
  asio::ip::tcp::socket socket_;
  protocol::CommandParser parser_;
};

class FakeServer {
 public:
  using Script = std::function<void(FakePeer&)>;
  explicit FakeServer(Script script);
  // One script per connection, accepted one after another (a client that reconnects). Every
  // script but the last ends its connection itself (close()); the last keeps it until the client
  // closes.
  explicit FakeServer(std::vector<Script> scripts);
  ~FakeServer();  // waits for the scripts to end
  unsigned short port() const { return port_; }
  // When each connection was accepted so far.
  std::vector<std::chrono::steady_clock::time_point> accept_times() const;

 private:
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  mutable std::mutex mutex_;
  std::vector<std::chrono::steady_clock::time_point> accept_times_;
  std::thread thread_;
};

// The switch side of an outbound connection: connects to `port` on 127.0.0.1 and runs `script`
// on its own thread.
class FakeSwitch {
 public:
  FakeSwitch(unsigned short port, std::function<void(FakePeer&)> script);
  ~FakeSwitch();  // waits for the script to end

 private:
  asio::io_context io_;
  std::thread thread_;
};

// Wire builders for the tests.
std::string reply(std::string_view text);  // command/reply with Reply-Text
std::string api_response(std::string_view body);
// A text/event-plain message; header values are URL-encoded as the server does.
std::string plain_event(const std::vector<protocol::HeaderField>& headers,
                        std::string_view body = {});

// Runs `body` as a coroutine on a fresh io_context until it finishes (a test failure if it has
// not within `limit`); rethrows its exception.
void run_coroutine(const std::function<asio::awaitable<void>(asio::io_context&)>& body,
                   std::chrono::seconds limit = std::chrono::seconds(20));

}  // namespace es::client::test
