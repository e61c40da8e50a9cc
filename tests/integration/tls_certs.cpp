#include "tls_certs.hpp"

#include <cstdlib>
#include <string_view>

namespace es::itest {

TlsCerts::TlsCerts() {
  if (dir_.path().empty()) {
    error_ = "no temporary directory";
    return;
  }
  const std::string host_names = "subjectAltName=DNS:localhost,IP:127.0.0.1\n";
  dir_.write("server.ext", host_names);
  dir_.write("client.ext", "extendedKeyUsage=clientAuth\n");
  // -days -1 puts notAfter a day in the past: an expired certificate, signed by the good CA.
  (void)(make_ca("ca", "/CN=eventswitch test CA") && make_ca("other-ca", "/CN=unrelated CA") &&
         make_leaf("server", "/CN=localhost", 2) && make_leaf("client", "/CN=test client", 2) &&
         make_leaf("expired-server", "/CN=localhost", -1) &&
         make_leaf("expired-client", "/CN=test client", -1));
}

bool TlsCerts::run(const std::string& command) {
  std::string full = "cd '" + dir_.path() + "' && " + command + " >openssl.log 2>&1";
  if (std::system(full.c_str()) != 0) {
    error_ = "failed: " + command;
    return false;
  }
  return true;
}

bool TlsCerts::make_ca(const std::string& name, const std::string& subject) {
  return run("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -keyout " + name + ".key -out " +
             name + ".pem -subj '" + subject + "'");
}

bool TlsCerts::make_leaf(const std::string& name, const std::string& subject, int days) {
  std::string ext = name.find("server") != std::string::npos ? "server.ext" : "client.ext";
  return run("openssl req -newkey rsa:2048 -nodes -keyout " + name + ".key -out " + name +
             ".csr -subj '" + subject + "'") &&
         run("openssl x509 -req -in " + name + ".csr -CA ca.pem -CAkey ca.key -CAcreateserial" +
             " -days " + std::to_string(days) + " -extfile " + ext + " -out " + name + ".pem");
}

std::string tls_params(const TlsCerts& certs, const std::string& server, bool verify_client,
                       int handshake_s) {
  return param("tls-cert-file", certs.file(server + ".pem")) +
         param("tls-key-file", certs.file(server + ".key")) +
         param("tls-ca-file", certs.file("ca.pem")) +
         param("tls-verify-client", verify_client ? "true" : "false") +
         param("tls-handshake-timeout", std::to_string(handshake_s));
}

unsigned short tls_port(const DaemonProcess& daemon) {
  constexpr std::string_view kLine = "TLS event socket listening on 127.0.0.1:";
  if (!daemon.wait_for_stderr(kLine, std::chrono::seconds(10))) return 0;
  std::string text = daemon.stderr_text();
  auto at = text.find(kLine);
  return static_cast<unsigned short>(std::atoi(text.c_str() + at + kLine.size()));
}

}  // namespace es::itest
