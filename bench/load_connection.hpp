// One client connection to an event socket server: framing through es_protocol's
// MessageParser, coroutine-based reads and writes, errors as values (no exceptions).
#pragma once

#include <asio.hpp>
#include <asio/ssl.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "protocol/message_parser.hpp"

namespace es::bench {

using asio::ip::tcp;

struct Target {
  tcp::endpoint endpoint;
  std::string password;
  // Set: the connection is TLS (the daemon's TLS listener), verified with this context.
  asio::ssl::context* tls = nullptr;
};

// Errors of our own (protocol-level surprises), next to asio's socket errors.
enum class LoadError {
  kUnexpectedMessage = 1,  // a reply of the wrong type or text
  kRejected,               // auth refused
  kBadFraming,             // the parser gave up (Content-Length out of range)
};
const std::error_category& load_error_category();
std::error_code make_error_code(LoadError error);

class Connection {
 public:
  // `read_chunk` is the receive buffer; idle connections use a small one to keep the load
  // tool's own memory low when it holds thousands of them.
  Connection(const asio::any_io_executor& executor, std::size_t read_chunk = 16384);

  asio::awaitable<std::error_code> connect(const tcp::endpoint& endpoint);
  // After connect: the TLS handshake; from then on every read and write is encrypted.
  asio::awaitable<std::error_code> start_tls(asio::ssl::context& context);
  // Next complete message from the server.
  asio::awaitable<std::error_code> read_message(protocol::Message& out);
  asio::awaitable<std::error_code> send(std::string_view bytes);
  // Waits for auth/request, sends `auth <password>`, expects "+OK accepted".
  asio::awaitable<std::error_code> authenticate(std::string_view password);
  // connect + authenticate.
  asio::awaitable<std::error_code> open(const Target& target);
  // Sends a command packet and reads until its command/reply or api/response; messages of
  // other types (events, logs) that arrive first are skipped and counted.
  asio::awaitable<std::error_code> call(std::string_view packet, protocol::Message& reply);
  // call() for commands answered by command/reply whose Reply-Text must start with `expect`.
  asio::awaitable<std::error_code> command(std::string_view packet, std::string_view expect);
  // Reads and discards everything until the server closes (bounded by the caller's timers).
  asio::awaitable<void> drain_until_closed();

  void close();
  bool is_open() const { return socket_.is_open(); }
  tcp::socket& socket() { return socket_; }
  std::uint64_t bytes_received() const { return bytes_received_; }
  std::uint64_t skipped_messages() const { return skipped_; }

 private:
  tcp::socket socket_;
  std::unique_ptr<asio::ssl::stream<tcp::socket&>> tls_;
  protocol::MessageParser parser_;
  std::vector<char> chunk_;
  std::uint64_t bytes_received_ = 0;
  std::uint64_t skipped_ = 0;
};

// "Reply-Text" of a command/reply, or "" when absent.
std::string_view reply_text(const protocol::Message& message);

}  // namespace es::bench

template <>
struct std::is_error_code_enum<es::bench::LoadError> : std::true_type {};
