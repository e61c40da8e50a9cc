#include "eventsocket/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <asio/ssl/error.hpp>

#include <fmt/format.h>

namespace es::eventsocket {

std::shared_ptr<asio::ssl::context> make_tls_server_context(const TlsServerFiles& files,
                                                            std::string* error) {
  auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  std::error_code ec;
  auto fail = [&](std::string_view what, const std::string& file) {
    if (error) *error = fmt::format("TLS: cannot {} {}: {}", what, file, ec.message());
    return nullptr;
  };
  // TLS 1.2 at least; no renegotiation and no session tickets: after the handshake the server
  // never has to write on its own initiative, so reads and writes stay independent.
  context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                           asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                           asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use,
                       ec);
  SSL_CTX* native = context->native_handle();
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET);
  SSL_CTX_set_num_tickets(native, 0);
  // TLS 1.3: AES-128-GCM first, by the server's choice (OpenSSL's clients list AES-256 first):
  // with AES-NI it costs both sides less per byte than AES-256, and bulk event streams are
  // what TLS carries here. A client that prefers ChaCha20 (no AES instructions) still gets it.
  SSL_CTX_set_ciphersuites(native,
                           "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:"
                           "TLS_CHACHA20_POLY1305_SHA256");
  SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_PRIORITIZE_CHACHA);
  // An idle connection gives its record buffers back to the allocator.
  SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);
  context->use_certificate_chain_file(files.cert_file, ec);
  if (ec) return fail("load the certificate", files.cert_file);
  context->use_private_key_file(files.key_file, asio::ssl::context::pem, ec);
  if (ec) return fail("load the private key", files.key_file);
  if (SSL_CTX_check_private_key(native) != 1) {
    if (error) {
      *error = fmt::format("TLS: the private key {} does not match the certificate {}",
                           files.key_file, files.cert_file);
    }
    return nullptr;
  }
  if (!files.ca_file.empty()) {
    context->load_verify_file(files.ca_file, ec);
    if (ec) return fail("load the CA file", files.ca_file);
  }
  if (files.verify_client) {
    if (files.ca_file.empty()) {
      if (error) *error = "TLS: tls-verify-client needs tls-ca-file (the CAs to trust)";
      return nullptr;
    }
    context->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert, ec);
  }
  return context;
}

std::string describe_tls_failure(const std::error_code& ec, void* native_ssl) {
  std::string text = ec.message();
  if (&ec.category() != &asio::error::get_ssl_category()) return text;
  auto reason = ERR_GET_REASON(static_cast<unsigned long>(ec.value()));
  if (reason == SSL_R_WRONG_VERSION_NUMBER || reason == SSL_R_HTTP_REQUEST ||
      reason == SSL_R_PACKET_LENGTH_TOO_LONG || reason == SSL_R_UNKNOWN_PROTOCOL) {
    text += " (not a TLS client: plain text on the TLS port?)";
  } else if (reason == SSL_R_TLSV1_ALERT_UNKNOWN_CA ||
             reason == SSL_R_SSLV3_ALERT_BAD_CERTIFICATE ||
             reason == SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED ||
             reason == SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN) {
    text += " (the client refused the server's certificate)";
  }
  if (native_ssl) {
    long verify = SSL_get_verify_result(static_cast<SSL*>(native_ssl));
    if (verify != X509_V_OK) {
      text += fmt::format(" (client certificate: {})", X509_verify_cert_error_string(verify));
    }
  }
  return text;
}

}  // namespace es::eventsocket
