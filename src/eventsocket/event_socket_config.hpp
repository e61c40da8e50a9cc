// mod_event_socket's settings (docs/wire-protocol.md §9.1) plus eventswitch's own limits, read from
// the <configuration name="event_socket.conf"><settings><param name value/> block.
//
// FreeSWITCH parameters, matched as FreeSWITCH matches them:
//   listen-ip, listen-port, password, nat-map, debug      exact case
//   apply-inbound-acl (repeatable, max 100), stop-on-bind-error   any case
// eventswitch parameters (any case; a value that is not a positive integer is ignored with a
// warning):
//   max-queue-events      events (and, separately, log lines) queued per connection [100000]
//   max-queue-bytes       bytes queued per connection [67108864]
//   auth-timeout          seconds to authenticate after connecting [25]
//   body-timeout          seconds for an announced body to arrive [25]
//   max-lost-before-kill  consecutive lost events/logs that end a connection [500]
//   allowed-file-dirs     directories (separated by ',' or ';') that every client's file
//                         arguments (record, uuid_record, playback, uuid_broadcast...) must
//                         lie below, `..` and symlinks resolved [unset: clients that
//                         authenticated with the password reach any path; userauth users
//                         and outbound servers without `full` reach only the recordings
//                         and sounds directories]. See docs/security-rights.md.
//   max-bgapi-jobs        bgapi jobs running per connection; beyond it the connection's
//                         next command is not read until one ends [1024]
//   max-connections       inbound connections at once; one more is closed at once, with a
//                         WARNING (at most one a second, counting the others) [20000]
//   max-unauthenticated-per-address
//                         connections of one peer address not yet authenticated; one more
//                         is closed at once, as above [12000]
//   max-filters           filters per connection; one more answers -ERR, nothing added [256]
//   max-subclasses        CUSTOM subclasses per connection; one more answers -ERR [256]
//   json-numeric-headers  true: `event json` sends number-like header values as JSON
//                         numbers, as `event json-numeric` does (switch_true) [false]
// TLS (a second listener beside the plain one; on when tls-cert-file is set):
//   tls-cert-file         PEM certificate chain of the server
//   tls-key-file          PEM private key [tls-cert-file]
//   tls-ca-file           PEM CAs trusted for client certificates
//   tls-verify-client     true: a client must present a certificate signed by tls-ca-file
//   tls-listen-ip         [listen-ip]
//   tls-listen-port       [8022]
//   tls-handshake-timeout seconds for the TLS handshake [10]
// Metrics:
//   metrics-listen        ip:port of the Prometheus endpoint (/metrics) [unset: none]
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/xml_config.hpp"

namespace es::eventsocket {

struct EventSocketConfig {
  static constexpr std::size_t kMaxAcls = 100;

  std::string listen_ip = "127.0.0.1";
  std::uint16_t listen_port = 8021;
  std::string password = "ClueCon";
  std::vector<std::string> apply_inbound_acl{"loopback.auto"};
  bool stop_on_bind_error = false;
  int debug = 0;
  bool nat_map = false;  // parsed by FreeSWITCH, then always switched off (Quirk kept)

  std::size_t max_queue_events = 100000;
  std::size_t max_queue_bytes = 64u * 1024 * 1024;
  int auth_timeout_s = 25;
  int body_timeout_s = 25;
  int max_lost_before_kill = 500;
  std::optional<std::vector<std::string>> allowed_file_dirs;  // nullopt: not set
  std::size_t max_bgapi_jobs = 1024;
  std::size_t max_connections = 20000;
  std::size_t max_unauthenticated_per_address = 12000;
  std::size_t max_filters = 256;
  std::size_t max_subclasses = 256;
  bool json_numeric_headers = false;

  std::string tls_cert_file;  // empty: no TLS listener
  std::string tls_key_file;   // empty: tls_cert_file
  std::string tls_ca_file;
  bool tls_verify_client = false;
  std::string tls_listen_ip;  // empty: listen_ip
  std::uint16_t tls_listen_port = 8022;
  int tls_handshake_timeout_s = 10;
  std::string metrics_listen;  // empty: no metrics endpoint
};

struct EventSocketConfigResult {
  EventSocketConfig config;
  std::vector<std::string> warnings;
};

// Reads event_socket.conf from `xml`; without one (or with a null `xml`) the defaults above.
EventSocketConfigResult load_event_socket_config(const core::XmlConfig* xml);

// True when the server would listen beyond loopback (anything but 127.0.0.0/8 and ::1, a host
// name included) with FreeSWITCH's well-known default password: the daemon warns at start.
bool exposes_default_password(std::string_view listen_ip, std::string_view password);

}  // namespace es::eventsocket
