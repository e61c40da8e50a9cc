// Certificates for the TLS tests, made at test time with the openssl command line into a
// private temporary directory: a CA, a second unrelated CA, a server certificate for
// localhost/127.0.0.1, a client certificate, and expired server and client certificates.
#pragma once

#include <string>

#include "conf_dir.hpp"

namespace es::itest {

class TlsCerts {
 public:
  TlsCerts();
  // False when openssl failed (the reason is in error()).
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  // Path of `name` in the directory: ca.pem, other-ca.pem, server.pem/.key, client.pem/.key,
  // expired-server.pem/.key, expired-client.pem/.key.
  std::string file(const std::string& name) const { return dir_.path() + "/" + name; }
  const ConfDir& dir() const { return dir_; }

 private:
  bool run(const std::string& command);
  bool make_ca(const std::string& name, const std::string& subject);
  bool make_leaf(const std::string& name, const std::string& subject, int days);

  ConfDir dir_;
  std::string error_;
};

// event_socket.conf params of a TLS listener using `certs` (server certificate `server`), with
// a handshake deadline of `handshake_s` seconds; `verify_client` requires client certificates.
std::string tls_params(const TlsCerts& certs, const std::string& server, bool verify_client,
                       int handshake_s);
// The TLS listener's port from the daemon's "TLS event socket listening on" line (0: none).
unsigned short tls_port(const DaemonProcess& daemon);

}  // namespace es::itest
