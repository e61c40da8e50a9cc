// TLS on the event socket, end to end: the client library completes a session (auth, api,
// bgapi, events) over the daemon's TLS listener beside the plain one; each handshake failure
// (unknown CA, expired certificates, a missing client certificate, a plain client on the TLS
// port) costs the client its connection, the daemon one WARNING line, and nothing else: the
// daemon goes on serving.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "client/sync_connection.hpp"
#include "conf_dir.hpp"
#include "tls_certs.hpp"

namespace es::itest {
namespace {

using client::ClientError;
using client::Credentials;
using client::SyncConnection;
using namespace std::chrono_literals;

constexpr std::string_view kFailureLine = "event socket TLS handshake with 127.0.0.1:";

std::size_t count_of(const std::string& text, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

client::ConnectionOptions tls_options(const TlsCerts& certs, const std::string& ca,
                                      const std::string& client_cert = {}) {
  client::ConnectionOptions options;
  options.connect_timeout = 5s;
  options.tls.enabled = true;
  options.tls.ca_file = certs.file(ca);
  if (!client_cert.empty()) {
    options.tls.cert_file = certs.file(client_cert + ".pem");
    options.tls.key_file = certs.file(client_cert + ".key");
  }
  return options;
}

// One daemon with a TLS listener; the suite's certificates are made once.
class TlsDaemon {
 public:
  TlsDaemon(const TlsCerts& certs, const std::string& server, bool verify_client,
            const std::string& extra_params = {}) {
    conf_.write("autoload_configs/event_socket.conf.xml",
                event_socket_conf(tls_params(certs, server, verify_client, 1) + extra_params));
    daemon_ = std::make_unique<DaemonProcess>(conf_args(conf_, {"--tls-listen-port", "0"}));
    tls_port_ = itest::tls_port(*daemon_);
  }
  DaemonProcess& daemon() { return *daemon_; }
  unsigned short tls_port() const { return tls_port_; }
  unsigned short plain_port() const { return daemon_->port(); }
  // Waits for the n-th handshake failure line and returns the log so far.
  std::string failures_after(std::size_t n) {
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (count_of(daemon_->stderr_text(), kFailureLine) < n &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
    }
    return daemon_->stderr_text();
  }

 private:
  ConfDir conf_;
  std::unique_ptr<DaemonProcess> daemon_;
  unsigned short tls_port_ = 0;
};

class TlsEventSocket : public ::testing::Test {
 public:
  static void SetUpTestSuite() { certs_ = std::make_unique<TlsCerts>(); }
  static void TearDownTestSuite() { certs_.reset(); }

 protected:
  void SetUp() override { ASSERT_TRUE(certs_->ok()) << certs_->error(); }
  static const TlsCerts& certs() { return *certs_; }
  // A full session over TLS: proves the daemon still serves after a failure.
  static void expect_session_works(unsigned short port, const std::string& client_cert = {}) {
    SyncConnection conn(tls_options(certs(), "ca.pem", client_cert));
    ASSERT_NO_THROW(conn.connect("127.0.0.1", port, Credentials::password_only("ClueCon")));
    EXPECT_EQ(conn.api("echo still serving"), "still serving");
  }
  static inline std::unique_ptr<TlsCerts> certs_;
};

TEST_F(TlsEventSocket, ClientLibrarySessionOverTlsBesideThePlainListener) {
  TlsDaemon server(certs(), "server", false);
  ASSERT_NE(server.tls_port(), 0) << server.daemon().stderr_text();
  ASSERT_NE(server.tls_port(), server.plain_port());

  SyncConnection conn(tls_options(certs(), "ca.pem"));
  ASSERT_NO_THROW(
      conn.connect("localhost", server.tls_port(), Credentials::password_only("ClueCon")));
  EXPECT_TRUE(conn.api("status").starts_with("UP ")) << "api over TLS";
  EXPECT_EQ(conn.bgapi("echo in the background").body, "in the background");
  ASSERT_TRUE(conn.subscribe(protocol::EventFormat::kJson, "CUSTOM tls::test").ok());
  // Larger than one TLS record, so the event spans several.
  std::string body(40000, 'x');
  ASSERT_TRUE(conn.sendevent("CUSTOM", {{"Event-Subclass", "tls::test"}}, body).ok());
  auto event = conn.next_event(5s);
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->header_or("Event-Subclass"), "tls::test");
  EXPECT_EQ(event->body, body);

  // The plain listener is untouched, and a wrong password over TLS is refused as in plain.
  SyncConnection plain;
  ASSERT_NO_THROW(
      plain.connect("127.0.0.1", server.plain_port(), Credentials::password_only("ClueCon")));
  EXPECT_EQ(plain.api("echo plain"), "plain");
  SyncConnection wrong(tls_options(certs(), "ca.pem"));
  EXPECT_THROW(wrong.connect("127.0.0.1", server.tls_port(), Credentials::password_only("nope")),
               ClientError);
  EXPECT_EQ(count_of(server.daemon().stderr_text(), kFailureLine), 0u);
}

// TLS 1.3 with AES-NI: the server picks AES-128-GCM although OpenSSL's client lists AES-256
// first (it costs both ends less per byte; see tls_context.cpp).
TEST_F(TlsEventSocket, ServerPrefersAes128GcmOverTheClientsOrder) {
  TlsDaemon server(certs(), "server", false);
  ASSERT_NE(server.tls_port(), 0) << server.daemon().stderr_text();
  std::string command =
      "echo | openssl s_client -connect 127.0.0.1:" + std::to_string(server.tls_port()) +
      " -CAfile " + certs().file("ca.pem") + " 2>&1";
  std::string output;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char chunk[4096];
    while (std::size_t n = std::fread(chunk, 1, sizeof chunk, pipe)) output.append(chunk, n);
    ::pclose(pipe);
  }
  EXPECT_NE(output.find("TLSv1.3, Cipher is TLS_AES_128_GCM_SHA256"), std::string::npos) << output;
}

TEST_F(TlsEventSocket, UnknownCaAndExpiredServerCertificateFailOnceAndCostNothing) {
  TlsDaemon server(certs(), "server", false);
  ASSERT_NE(server.tls_port(), 0) << server.daemon().stderr_text();
  SyncConnection conn(tls_options(certs(), "other-ca.pem"));
  try {
    conn.connect("127.0.0.1", server.tls_port(), Credentials::password_only("ClueCon"));
    FAIL() << "a server signed by an unknown CA was accepted";
  } catch (const ClientError& error) {
    EXPECT_EQ(error.kind(), ClientError::Kind::kConnectFailed);
    EXPECT_NE(std::string(error.what()).find("certificate verify failed"), std::string::npos)
        << error.what();
  }
  std::string log = server.failures_after(1);
  EXPECT_EQ(count_of(log, kFailureLine), 1u) << log;
  EXPECT_NE(log.find("the client refused the server's certificate"), std::string::npos) << log;
  expect_session_works(server.tls_port());

  TlsDaemon expired(certs(), "expired-server", false);
  ASSERT_NE(expired.tls_port(), 0) << expired.daemon().stderr_text();
  SyncConnection late(tls_options(certs(), "ca.pem"));
  try {
    late.connect("127.0.0.1", expired.tls_port(), Credentials::password_only("ClueCon"));
    FAIL() << "an expired server certificate was accepted";
  } catch (const ClientError& error) {
    EXPECT_NE(std::string(error.what()).find("certificate has expired"), std::string::npos)
        << error.what();
  }
  log = expired.failures_after(1);
  EXPECT_EQ(count_of(log, kFailureLine), 1u) << log;
}

TEST_F(TlsEventSocket, RequiredClientCertificateMissingOrExpiredIsRefused) {
  TlsDaemon server(certs(), "server", true);
  ASSERT_NE(server.tls_port(), 0) << server.daemon().stderr_text();
  SyncConnection anonymous(tls_options(certs(), "ca.pem"));
  // TLS 1.3: the client learns of the refusal when it reads, so connect() fails at the greeting.
  EXPECT_THROW(
      anonymous.connect("127.0.0.1", server.tls_port(), Credentials::password_only("ClueCon")),
      ClientError);
  std::string log = server.failures_after(1);
  EXPECT_EQ(count_of(log, kFailureLine), 1u) << log;
  EXPECT_NE(log.find("peer did not return a certificate"), std::string::npos) << log;

  SyncConnection expired(tls_options(certs(), "ca.pem", "expired-client"));
  EXPECT_THROW(
      expired.connect("127.0.0.1", server.tls_port(), Credentials::password_only("ClueCon")),
      ClientError);
  log = server.failures_after(2);
  EXPECT_EQ(count_of(log, kFailureLine), 2u) << log;
  EXPECT_NE(log.find("client certificate: certificate has expired"), std::string::npos) << log;

  expect_session_works(server.tls_port(), "client");
}

TEST_F(TlsEventSocket, PlainClientOnTheTlsPortIsDroppedWithOneLine) {
  // With the metrics endpoint (from the config file this time): the failures are counted.
  TlsDaemon server(certs(), "server", false, param("metrics-listen", "127.0.0.1:0"));
  ASSERT_NE(server.tls_port(), 0) << server.daemon().stderr_text();
  // One speaks first (plain text where a ClientHello belongs)...
  int talker = connect_from("127.0.0.1", server.tls_port());
  ASSERT_GE(talker, 0);
  ASSERT_TRUE(send_all(talker, "auth ClueCon\n\n"));
  bool closed = false;
  read_until_closed(talker, 5s, &closed);
  EXPECT_TRUE(closed);
  ::close(talker);
  std::string log = server.failures_after(1);
  EXPECT_NE(log.find("not a TLS client"), std::string::npos) << log;
  // ...the other waits for auth/request, which never comes: dropped at the 1 s deadline.
  int waiter = connect_from("127.0.0.1", server.tls_port());
  ASSERT_GE(waiter, 0);
  std::string received = read_until_closed(waiter, 5s, &closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(received, "");
  ::close(waiter);
  log = server.failures_after(2);
  EXPECT_EQ(count_of(log, kFailureLine), 2u) << log;
  EXPECT_NE(log.find("no handshake within 1 s"), std::string::npos) << log;
  expect_session_works(server.tls_port());
  // Nothing is left behind: only the test's own connection was ever listed.
  SyncConnection check(tls_options(certs(), "ca.pem"));
  check.connect("127.0.0.1", server.tls_port(), Credentials::password_only("ClueCon"));
  std::string listeners = check.api("event_socket listeners");
  EXPECT_EQ(count_of(listeners, "127.0.0.1:"), 1u) << listeners;

  constexpr std::string_view kMetricsLine = "metrics at http://127.0.0.1:";
  log = server.daemon().stderr_text();
  ASSERT_NE(log.find(kMetricsLine), std::string::npos) << log;
  int metrics_port = std::atoi(log.c_str() + log.find(kMetricsLine) + kMetricsLine.size());
  httplib::Client http("127.0.0.1", metrics_port);
  auto scraped = http.Get("/metrics");
  ASSERT_TRUE(scraped);
  const std::string& text = scraped->body;
  EXPECT_NE(text.find("\neventswitch_tls_handshake_failures_total 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\neventswitch_connections{transport=\"tls\",state=\"authenticated\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\neventswitch_connections_accepted_total{transport=\"tls\"} 4\n"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace es::itest
