// A TLS connection's own steps: the handshake under its deadline, and reads through the SSL
// stream. Everything else (queue, writer, commands) is the plain listener's, with the writer
// writing through the stream and publishers never writing directly.
#include <fmt/format.h>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <mutex>
#include <vector>

#include "eventsocket/listener.hpp"
#include "eventsocket/tls_context.hpp"

namespace es::eventsocket {
namespace {

constexpr auto kTlsAwait = asio::experimental::as_tuple(asio::use_awaitable);

// Batch buffers lent to TLS writers for one batch each. A connection holds one only while it
// encrypts and sends a batch, so an idle TLS connection holds none; busy ones reuse the same
// few blocks instead of allocating (and faulting in) fresh pages for every batch, which cost
// more than the encryption at 100 subscribers. Policy: at most kPooledTlsWriteBuffers are kept
// (more are freed when returned), each of at most kPooledTlsWriteBufferBytes of capacity (a
// larger one, from a batch ending in a large frame, is freed): at most 2 MiB kept in all.
constexpr std::size_t kPooledTlsWriteBuffers = 32;
constexpr std::size_t kPooledTlsWriteBufferBytes = std::size_t{64} * 1024;

class TlsWriteBufferPool {
 public:
  std::string take() {
    std::lock_guard lock(mutex_);
    if (free_.empty()) return {};
    std::string buffer = std::move(free_.back());
    free_.pop_back();
    return buffer;
  }
  void give_back(std::string buffer) {
    if (buffer.capacity() > kPooledTlsWriteBufferBytes) return;
    buffer.clear();
    std::lock_guard lock(mutex_);
    if (free_.size() < kPooledTlsWriteBuffers) free_.push_back(std::move(buffer));
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> free_;
};

TlsWriteBufferPool& tls_write_buffers() {
  static TlsWriteBufferPool pool;
  return pool;
}

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
  tls_write_buffer_ = tls_write_buffers().take();
  std::size_t size = 0;
  for (const auto& item : batch) size += item.bytes().size();
  tls_write_buffer_.reserve(size);
  for (const auto& item : batch) tls_write_buffer_.append(item.bytes());
  auto [ec, written] =
      co_await asio::async_write(*tls_, asio::buffer(tls_write_buffer_), kTlsAwait);
  tls_write_buffers().give_back(std::move(tls_write_buffer_));
  tls_write_buffer_ = std::string();
  co_return ec;
}

}  // namespace es::eventsocket
