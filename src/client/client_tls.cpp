// The client side of TLS: the context built from TlsOptions, and the handshake that follows the
// TCP connect (before the server's auth/request greeting, which arrives encrypted).
#include <openssl/ssl.h>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/ip/address.hpp>
#include <asio/ssl/host_name_verification.hpp>

#include "client/connection_state.hpp"

namespace es::client::detail {
namespace {

constexpr auto kTlsAwait = asio::experimental::as_tuple(asio::use_awaitable);
using Kind = ClientError::Kind;

[[noreturn]] void refuse(const std::string& what, const std::string& file,
                         const std::error_code& ec) {
  throw ClientError(Kind::kConnectFailed, "TLS: cannot " + what + " " + file + ": " + ec.message());
}

}  // namespace

std::shared_ptr<asio::ssl::context> make_client_tls_context(const TlsOptions& tls) {
  auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  std::error_code ec;
  context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                           asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                           asio::ssl::context::no_tlsv1_1,
                       ec);
  if (tls.ca_file.empty()) {
    context->set_default_verify_paths(ec);
    if (ec) refuse("load", "the system's trust store", ec);
  } else {
    context->load_verify_file(tls.ca_file, ec);
    if (ec) refuse("load the CA file", tls.ca_file, ec);
  }
  if (!tls.cert_file.empty()) {
    context->use_certificate_chain_file(tls.cert_file, ec);
    if (ec) refuse("load the certificate", tls.cert_file, ec);
    const std::string& key = tls.key_file.empty() ? tls.cert_file : tls.key_file;
    context->use_private_key_file(key, asio::ssl::context::pem, ec);
    if (ec) refuse("load the private key", key, ec);
  }
  context->set_verify_mode(tls.verify ? asio::ssl::verify_peer : asio::ssl::verify_none, ec);
  return context;
}

asio::awaitable<void> tls_handshake(std::shared_ptr<ConnectionState> state,
                                    std::chrono::steady_clock::time_point deadline) {
  using namespace asio::experimental::awaitable_operators;
  const TlsOptions& options = state->options.tls;
  if (!state->tls_context) state->tls_context = make_client_tls_context(options);
  auto stream = std::make_shared<ConnectionState::TlsStream>(state->socket, *state->tls_context);
  const std::string& name = options.server_name.empty() ? state->host : options.server_name;
  std::error_code not_ip;
  asio::ip::make_address(name, not_ip);
  // SNI carries host names only; an address is still checked against the certificate's IPs.
  // (SSL_set_tlsext_host_name spelled out: the macro's C cast breaks -Werror=old-style-cast.)
  if (not_ip) {
    SSL_ctrl(stream->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(name.c_str()));
  }
  if (options.verify) stream->set_verify_callback(asio::ssl::host_name_verification(name));
  asio::steady_timer timer(state->strand, deadline);
  auto outcome = co_await (stream->async_handshake(asio::ssl::stream_base::client, kTlsAwait) ||
                           timer.async_wait(kTlsAwait));
  const std::string where = state->host + ":" + std::to_string(state->port);
  if (outcome.index() == 1)
    throw ClientError(Kind::kTimeout, "timed out in the TLS handshake with " + where);
  if (auto [ec] = std::get<0>(outcome); ec) {
    std::string reason = ec.message();
    long verify = SSL_get_verify_result(stream->native_handle());
    if (verify != X509_V_OK)
      reason += std::string(" (") + X509_verify_cert_error_string(verify) + ")";
    throw ClientError(Kind::kConnectFailed, "TLS handshake with " + where + " failed: " + reason);
  }
  state->tls = std::move(stream);
}

}  // namespace es::client::detail
