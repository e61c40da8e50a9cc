// The OpenSSL context of the event socket's TLS listener (event_socket.conf: tls-cert-file,
// tls-key-file, tls-ca-file, tls-verify-client), and how a failed handshake is described in
// its one log line.
#pragma once

#include <asio/ssl/context.hpp>

#include <memory>
#include <string>
#include <system_error>

namespace es::eventsocket {

struct TlsServerFiles {
  std::string cert_file;       // PEM: the server certificate, then any intermediates
  std::string key_file;        // PEM: its private key
  std::string ca_file;         // PEM: CAs that sign client certificates (empty: none)
  bool verify_client = false;  // a client without a certificate signed by ca_file is refused
};

// Null with a one-line reason in *error when a file is missing, unreadable or the key does not
// match the certificate (the daemon refuses to start rather than serve without TLS).
std::shared_ptr<asio::ssl::context> make_tls_server_context(const TlsServerFiles& files,
                                                            std::string* error);

// "certificate verify failed (client certificate: certificate has expired)", "wrong version
// number (not a TLS client: plain text on the TLS port?)"... `native_ssl` is the connection's
// SSL*, read for the certificate verification result.
std::string describe_tls_failure(const std::error_code& ec, void* native_ssl);

}  // namespace es::eventsocket
