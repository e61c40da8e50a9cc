// The inbound event socket server: listening sockets, the accept loop, the ACL check and the
// set of live listeners; shutdown sends every listener FreeSWITCH's notice.
#pragma once

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/thread_pool.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "core/metrics.hpp"
#include "eventsocket/listener.hpp"
#include "eventsocket/listener_stats.hpp"
#include "eventsocket/server_context.hpp"

namespace es::eventsocket {

// The TLS listener beside the plain one (event_socket.conf tls-listen-ip, tls-listen-port).
struct TlsListenOptions {
  std::string listen_ip = "127.0.0.1";
  unsigned short listen_port = 8022;            // 0: any free port (tests)
  std::shared_ptr<asio::ssl::context> context;  // make_tls_server_context
};

struct ServerOptions {
  std::string listen_ip = "127.0.0.1";
  unsigned short listen_port = 8021;    // 0: any free port (tests)
  std::optional<TlsListenOptions> tls;  // no TLS listener when empty
  ListenerSettings listener;
  // Decides whether a peer may connect (apply-inbound-acl); null allows everyone.
  std::function<bool(const asio::ip::address&)> acl_allows;
  std::function<UserAuthOutcome(std::string_view)> userauth;
  std::size_t worker_threads = 8;  // for blocking API commands and bgapi jobs
};

// Installs itself as the Runtime's OutboundSocketAcceptor: a `socket` application's connection
// becomes a listener.
class Server final : public core::OutboundSocketAcceptor {
 public:
  Server(asio::io_context& io, core::Runtime& runtime, ServerOptions options);
  ~Server() override;
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens; on failure returns the error and a one-line description naming the
  // address (no retry: a taken port is reported, not waited for). Both listeners, when TLS is
  // configured.
  std::error_code listen(std::string* error_text);
  asio::ip::tcp::endpoint local_endpoint() const;
  // The TLS listener's address (empty endpoint without one).
  asio::ip::tcp::endpoint tls_local_endpoint() const;
  void start_accepting();

  // Sends `notice` to every listener and stops accepting. Non-blocking.
  void stop(const std::string& notice);
  std::vector<ListenerStats> listener_stats() const;
  std::size_t listener_count() const { return registry_.size(); }
  // Queue bytes dropped by killed or closed listeners since the last call (for malloc_trim).
  std::size_t take_released_bytes() { return context_.released_bytes.exchange(0); }
  void set_acl(std::function<bool(const asio::ip::address&)> acl);
  bool adopt(core::OutboundSocketRequest request) override;
  // Adds the event socket's metrics to `registry` (server_metrics.cpp), until this server is
  // destroyed (or unregister_metrics).
  void register_metrics(core::MetricsRegistry& registry);
  void unregister_metrics();

 private:
  void write_metrics(core::MetricsWriter& out);
  static std::error_code open_acceptor(asio::ip::tcp::acceptor& acceptor, const std::string& ip,
                                       unsigned short port, std::string_view what,
                                       std::string* error_text);
  void accept_next(asio::ip::tcp::acceptor& acceptor, bool tls);
  // Accept thread: handles one accepted socket (caps, then a listener on io_).
  void admit(asio::ip::tcp::socket socket, bool tls);
  // Accept thread: out of descriptors or memory; accepting resumes after a pause.
  void accept_later(asio::ip::tcp::acceptor& acceptor, bool tls, const std::error_code& ec);
  // Accept thread: one WARNING a second at most, counting the refusals in between.
  void log_refusal(std::string_view what);

  asio::io_context& io_;
  // The acceptor runs alone on its own thread. Besides keeping accept latency independent of the
  // event loops, this puts asio's per-socket reactor records (allocated where a socket is
  // accepted and kept for reuse, never freed) in that thread's malloc arena, apart from the
  // listeners' memory: once connections close, the loops' arenas empty out and malloc_trim can
  // return them, instead of every page staying pinned by a reactor record in its midst.
  asio::io_context accept_io_{1};
  asio::executor_work_guard<asio::io_context::executor_type> accept_work_;
  // While accepting, io_ has work even with no connection yet (accepted sockets are posted
  // to it); stop() lets it go.
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> io_work_;
  std::mutex io_work_mutex_;
  std::thread accept_thread_;
  ServerOptions options_;
  asio::thread_pool workers_;
  ServerContext context_;
  ListenerRegistry registry_;
  asio::ip::tcp::acceptor acceptor_;
  asio::ip::tcp::acceptor tls_acceptor_;
  std::atomic<std::uint64_t> next_id_{1};
  asio::steady_timer accept_retry_timer_{accept_io_};
  asio::steady_timer tls_accept_retry_timer_{accept_io_};
  std::chrono::steady_clock::time_point last_refusal_log_{};
  std::uint64_t refusals_unlogged_ = 0;
  std::shared_ptr<std::function<bool(const asio::ip::address&)>> acl_;
  mutable std::mutex acl_mutex_;
  core::MetricsRegistry* metrics_registry_ = nullptr;
  std::uint64_t metrics_collector_ = 0;
};

// Registers the `event_socket` API command (listener statistics) for this server.
void register_event_socket_api(core::Runtime& runtime, Server& server);

}  // namespace es::eventsocket
