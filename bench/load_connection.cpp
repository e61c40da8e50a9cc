#include "load_connection.hpp"

namespace es::bench {
namespace {

class LoadErrorCategory : public std::error_category {
 public:
  const char* name() const noexcept override { return "es_load"; }
  std::string message(int value) const override {
    switch (static_cast<LoadError>(value)) {
      case LoadError::kUnexpectedMessage:
        return "unexpected reply";
      case LoadError::kRejected:
        return "authentication rejected";
      case LoadError::kBadFraming:
        return "unparsable framing from server";
    }
    return "unknown";
  }
};

bool is_reply(std::string_view content_type) {
  return content_type == "command/reply" || content_type == "api/response";
}

}  // namespace

const std::error_category& load_error_category() {
  static const LoadErrorCategory category;
  return category;
}

std::error_code make_error_code(LoadError error) {
  return {static_cast<int>(error), load_error_category()};
}

std::string_view reply_text(const protocol::Message& message) {
  const std::string* text = message.header("Reply-Text");
  return text ? std::string_view(*text) : std::string_view();
}

Connection::Connection(const asio::any_io_executor& executor, std::size_t read_chunk)
    : socket_(executor), chunk_(read_chunk) {}

asio::awaitable<std::error_code> Connection::connect(const tcp::endpoint& endpoint) {
  std::error_code ec;
  co_await socket_.async_connect(endpoint, asio::redirect_error(asio::use_awaitable, ec));
  if (!ec) socket_.set_option(tcp::no_delay(true), ec);
  co_return ec;
}

asio::awaitable<std::error_code> Connection::start_tls(asio::ssl::context& context) {
  tls_ = std::make_unique<asio::ssl::stream<tcp::socket&>>(socket_, context);
  std::error_code ec;
  co_await tls_->async_handshake(asio::ssl::stream_base::client,
                                 asio::redirect_error(asio::use_awaitable, ec));
  co_return ec;
}

asio::awaitable<std::error_code> Connection::read_message(protocol::Message& out) {
  for (;;) {
    switch (parser_.next(out)) {
      case protocol::ParseStatus::kPacket:
        co_return std::error_code{};
      case protocol::ParseStatus::kBodyTooLarge:
        co_return LoadError::kBadFraming;
      case protocol::ParseStatus::kNeedMore:
        break;
    }
    std::error_code ec;
    auto completion = asio::redirect_error(asio::use_awaitable, ec);
    std::size_t n = tls_ ? co_await tls_->async_read_some(asio::buffer(chunk_), completion)
                         : co_await socket_.async_read_some(asio::buffer(chunk_), completion);
    if (ec) co_return ec;
    bytes_received_ += n;
    parser_.feed(std::string_view(chunk_.data(), n));
  }
}

asio::awaitable<std::error_code> Connection::send(std::string_view bytes) {
  std::error_code ec;
  auto completion = asio::redirect_error(asio::use_awaitable, ec);
  if (tls_) {
    co_await asio::async_write(*tls_, asio::buffer(bytes.data(), bytes.size()), completion);
  } else {
    co_await asio::async_write(socket_, asio::buffer(bytes.data(), bytes.size()), completion);
  }
  co_return ec;
}

asio::awaitable<std::error_code> Connection::authenticate(std::string_view password) {
  protocol::Message message;
  if (auto ec = co_await read_message(message)) co_return ec;
  if (message.content_type() != "auth/request") co_return LoadError::kUnexpectedMessage;
  std::string packet = "auth ";
  packet += password;
  packet += "\n\n";
  if (auto ec = co_await call(packet, message)) co_return ec;
  if (reply_text(message) != "+OK accepted") co_return LoadError::kRejected;
  co_return std::error_code{};
}

asio::awaitable<std::error_code> Connection::open(const Target& target) {
  if (auto ec = co_await connect(target.endpoint)) co_return ec;
  if (target.tls) {
    if (auto ec = co_await start_tls(*target.tls)) co_return ec;
  }
  co_return co_await authenticate(target.password);
}

asio::awaitable<std::error_code> Connection::call(std::string_view packet,
                                                  protocol::Message& reply) {
  if (auto ec = co_await send(packet)) co_return ec;
  for (;;) {
    if (auto ec = co_await read_message(reply)) co_return ec;
    if (is_reply(reply.content_type())) co_return std::error_code{};
    ++skipped_;
  }
}

asio::awaitable<std::error_code> Connection::command(std::string_view packet,
                                                     std::string_view expect) {
  protocol::Message reply;
  if (auto ec = co_await call(packet, reply)) co_return ec;
  if (!reply_text(reply).starts_with(expect)) co_return LoadError::kUnexpectedMessage;
  co_return std::error_code{};
}

asio::awaitable<void> Connection::drain_until_closed() {
  std::error_code ec;
  while (!ec) {
    auto completion = asio::redirect_error(asio::use_awaitable, ec);
    std::size_t n = tls_ ? co_await tls_->async_read_some(asio::buffer(chunk_), completion)
                         : co_await socket_.async_read_some(asio::buffer(chunk_), completion);
    bytes_received_ += n;
  }
}

void Connection::close() {
  std::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace es::bench
