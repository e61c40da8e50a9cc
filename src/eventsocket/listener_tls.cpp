// A TLS connection's own steps: the handshake under its deadline, and reads through the SSL
// stream. Everything else (queue, writer, commands) is the plain listener's, with the writer
// writing through the stream and publishers never writing directly.
#include <fmt/format.h>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include "eventsocket/listener.hpp"
#include "eventsocket/tls_context.hpp"

namespace es::eventsocket {
namespace {

constexpr auto kTlsAwait = asio::experimental::as_tuple(asio::use_awaitable);
// The write buffer a TLS connection keeps between batches (larger ones are freed).
constexpr std::size_t kKeptTlsWriteBuffer = 4096;

}  // namespace

asio::awaitable<void> Listener::tls_handshake(bool acl_allows) {
  using namespace asio::experimental::awaitable_operators;
  auto self = shared_from_this();
  // A peer that never finishes (a plain client waiting for auth/request, a stalled one) is
  // dropped at the deadline; until then it holds its connection slot and nothing more.
  asio::steady_timer deadline(strand_);
  deadline.expires_after(std::chrono::seconds(context_.settings.tls_handshake_timeout_s));
  auto outcome = co_await (tls_->async_handshake(asio::ssl::stream_base::server, kTlsAwait) ||
                           deadline.async_wait(kTlsAwait));
  std::string failure;
  if (outcome.index() == 1) {
    failure = fmt::format("no handshake within {} s (a plain client on the TLS port?)",
                          context_.settings.tls_handshake_timeout_s);
  } else if (auto [ec] = std::get<0>(outcome); ec) {
    failure = describe_tls_failure(ec, tls_->native_handle());
  }
  if (closing()) {
    abort_connection();  // closed meanwhile (shutdown): make sure the socket goes too
    co_return;
  }
  if (!failure.empty()) {
    context_.metrics.tls_handshake_failures.add();
    ES_LOG(context_.runtime.log(), core::LogLevel::kWarning,
           "event socket TLS handshake with {} failed: {}", peer_, failure);
    close(CloseType::kAbort);
    co_return;
  }
  begin_session(acl_allows);
}

asio::awaitable<std::error_code> Listener::read_tls(std::size_t want, std::size_t& n) {
  if (tls_read_buffer_.size() < want) tls_read_buffer_.resize(want);
  auto [ec, received] =
      co_await tls_->async_read_some(asio::buffer(tls_read_buffer_.data(), want), kTlsAwait);
  n = received;
  if (!ec && n > 0) parser_.feed(std::string_view(tls_read_buffer_.data(), n));
  co_return ec;
}

asio::awaitable<std::error_code> Listener::write_tls(const std::vector<WriteQueue::Item>& batch) {
  // Asio's SSL stream encrypts a gathered sequence 8 KiB at a time, each piece an SSL_write
  // and a socket write of its own; one contiguous buffer goes out in full 16 KiB records.
  // Encryption copies every byte anyway: this copy is the only one added.
  tls_write_buffer_.clear();
  for (const auto& item : batch) tls_write_buffer_.append(item.bytes());
  auto [ec, written] =
      co_await asio::async_write(*tls_, asio::buffer(tls_write_buffer_), kTlsAwait);
  // A large batch's buffer is not kept by an idle connection.
  if (tls_write_buffer_.capacity() > kKeptTlsWriteBuffer) {
    std::string().swap(tls_write_buffer_);
  }
  co_return ec;
}

}  // namespace es::eventsocket
