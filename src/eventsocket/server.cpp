#include "eventsocket/server.hpp"

#include <fmt/format.h>
#include <sys/socket.h>
#include <unistd.h>
#include <asio/ip/v6_only.hpp>
#include <asio/post.hpp>

#include <cerrno>
#include "core/spawn.hpp"

namespace es::eventsocket {
namespace {

// Policy when accept fails for lack of descriptors or memory (EMFILE, ENFILE, ENOBUFS,
// ENOMEM): the pending connection stays in the backlog and accepting resumes after this
// pause, instead of failing again at once in a loop that spins a core.
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);
constexpr auto kRefusalLogInterval = std::chrono::seconds(1);

bool out_of_resources(const std::error_code& ec) {
  // Only the value is read: comparing categories is a virtual call that clang's UBSan
  // (vptr check against libstdc++'s uninstrumented error_category) reports as undefined. An
  // accept error is a system errno, and asio's other categories never use these values.
  switch (ec.value()) {
    case EMFILE:
    case ENFILE:
    case ENOBUFS:
    case ENOMEM:
      return true;
    default:
      return false;
  }
}

asio::ip::address peer_address(const asio::ip::tcp::socket& socket, std::error_code& ec) {
  auto peer = socket.remote_endpoint(ec).address();
  if (peer.is_v6() && peer.to_v6().is_v4_mapped()) {
    peer = asio::ip::make_address_v4(asio::ip::v4_mapped, peer.to_v6());
  }
  return peer;
}

}  // namespace

Server::Server(asio::io_context& io, core::Runtime& runtime, ServerOptions options)
    : io_(io),
      accept_work_(accept_io_.get_executor()),
      options_(std::move(options)),
      workers_(options_.worker_threads),
      context_{.runtime = runtime,
               .settings = options_.listener,
               .workers = workers_,
               .userauth = options_.userauth,
               .throttle = AuthThrottle{}},
      acceptor_(accept_io_),
      tls_acceptor_(accept_io_) {
  set_acl(options_.acl_allows);
  runtime.set_outbound_acceptor(this);
}

Server::~Server() {
  unregister_metrics();
  context_.runtime.remove_outbound_acceptor(this);
  {
    std::lock_guard lock(io_work_mutex_);
    io_work_.reset();
  }
  if (accept_thread_.joinable()) {
    asio::post(accept_io_, [this] {
      std::error_code ec;
      acceptor_.close(ec);
      tls_acceptor_.close(ec);
      accept_retry_timer_.cancel();
      tls_accept_retry_timer_.cancel();
    });
    accept_work_.reset();
    accept_thread_.join();
  } else {
    std::error_code ec;
    acceptor_.close(ec);
    tls_acceptor_.close(ec);
  }
  workers_.join();
}

void Server::set_acl(std::function<bool(const asio::ip::address&)> acl) {
  auto shared = std::make_shared<std::function<bool(const asio::ip::address&)>>(std::move(acl));
  std::lock_guard lock(acl_mutex_);
  acl_ = std::move(shared);
}

std::error_code Server::listen(std::string* error_text) {
  auto ec = open_acceptor(acceptor_, options_.listen_ip, options_.listen_port, "event socket",
                          error_text);
  if (ec || !options_.tls) return ec;
  ec = open_acceptor(tls_acceptor_, options_.tls->listen_ip, options_.tls->listen_port,
                     "TLS event socket", error_text);
  if (ec) {
    std::error_code ignored;
    acceptor_.close(ignored);
  }
  return ec;
}

std::error_code Server::open_acceptor(asio::ip::tcp::acceptor& acceptor, const std::string& ip,
                                      unsigned short port, std::string_view what,
                                      std::string* error_text) {
  std::error_code ec;
  auto address = asio::ip::make_address(ip, ec);
  auto describe = [&](std::string_view step) {
    if (error_text) {
      *error_text = fmt::format("cannot {} {} on {}:{}: {}", step, what, ip, port, ec.message());
    }
    return ec;
  };
  if (ec) return describe("parse the listen address of the");
  asio::ip::tcp::endpoint endpoint(address, port);
  acceptor.open(endpoint.protocol(), ec);
  if (ec) return describe("open");
  acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (address.is_v6()) {
    // "::" takes IPv4 too where the system allows it; failure to set this is harmless.
    std::error_code ignored;
    acceptor.set_option(asio::ip::v6_only(false), ignored);
  }
  acceptor.bind(endpoint, ec);
  if (ec) {
    std::error_code ignored;
    acceptor.close(ignored);
    return describe("bind");
  }
  acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    std::error_code ignored;
    acceptor.close(ignored);
    return describe("listen");
  }
  return {};
}

asio::ip::tcp::endpoint Server::local_endpoint() const {
  std::error_code ec;
  return acceptor_.local_endpoint(ec);
}

asio::ip::tcp::endpoint Server::tls_local_endpoint() const {
  std::error_code ec;
  return tls_acceptor_.is_open() ? tls_acceptor_.local_endpoint(ec) : asio::ip::tcp::endpoint{};
}

void Server::start_accepting() {
  {
    std::lock_guard lock(io_work_mutex_);
    io_work_.emplace(io_.get_executor());
  }
  accept_next(acceptor_, false);
  if (tls_acceptor_.is_open()) accept_next(tls_acceptor_, true);
  if (!accept_thread_.joinable())
    accept_thread_ = std::thread(
        [this] { core::run_guarded(accept_io_, context_.runtime.log(), "accept loop"); });
}

void Server::accept_next(asio::ip::tcp::acceptor& acceptor, bool tls) {
  // Runs on the accept thread; the socket belongs to io_, where its listener is made.
  acceptor.async_accept(io_,
                        [this, &acceptor, tls](std::error_code ec, asio::ip::tcp::socket socket) {
                          if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
                          if (out_of_resources(ec)) {
                            accept_later(acceptor, tls, ec);
                            return;
                          }
                          if (!ec) admit(std::move(socket), tls);
                          // Other errors (ECONNABORTED...) concern one connection: go on at once.
                          accept_next(acceptor, tls);
                        });
}

void Server::accept_later(asio::ip::tcp::acceptor& acceptor, bool tls, const std::error_code& ec) {
  log_refusal(
      fmt::format("cannot accept: {}; retrying in {} ms", ec.message(), kAcceptRetryDelay.count()));
  auto& timer = tls ? tls_accept_retry_timer_ : accept_retry_timer_;
  timer.expires_after(kAcceptRetryDelay);
  timer.async_wait([this, &acceptor, tls](std::error_code wait_ec) {
    if (!wait_ec && acceptor.is_open()) accept_next(acceptor, tls);
  });
}

void Server::log_refusal(std::string_view what) {
  auto now = std::chrono::steady_clock::now();
  if (now - last_refusal_log_ < kRefusalLogInterval) {
    ++refusals_unlogged_;
    return;
  }
  std::string text = fmt::format("event socket {}", what);
  if (refusals_unlogged_ > 0) {
    text += fmt::format(" ({} more refusals in the last second not logged)", refusals_unlogged_);
  }
  last_refusal_log_ = now;
  refusals_unlogged_ = 0;
  context_.runtime.log().log(static_cast<int>(core::LogLevel::kWarning), __FILE__, __func__,
                             __LINE__, text);
}

void Server::admit(asio::ip::tcp::socket socket, bool tls) {
  std::error_code peer_ec;
  auto peer = peer_address(socket, peer_ec);
  std::string address = peer_ec ? std::string("unknown") : peer.to_string();
  ConnectionLimits::Refusal refusal;
  auto slot =
      context_.connections.admit(address, context_.settings.max_connections,
                                 context_.settings.max_unauthenticated_per_address, &refusal);
  if (!slot) {
    // Closed before anything is allocated for it: an attacker over a cap costs one accept.
    std::error_code ignored;
    socket.close(ignored);
    context_.metrics.refused.add();
    log_refusal(fmt::format("refused a connection from {}: {}", address, refusal_text(refusal)));
    return;
  }
  (tls ? context_.metrics.accepted_tls : context_.metrics.accepted_plain).add();
  asio::post(io_, [this, peer, peer_ec, tls, socket = std::move(socket),
                   slot = std::make_shared<ConnectionLimits::Slot>(std::move(*slot))]() mutable {
    std::shared_ptr<std::function<bool(const asio::ip::address&)>> acl;
    {
      std::lock_guard lock(acl_mutex_);
      acl = acl_;
    }
    bool allowed = !peer_ec && (!acl || !*acl || (*acl)(peer));
    auto listener =
        std::make_shared<Listener>(context_, registry_, std::move(socket), next_id_.fetch_add(1),
                                   tls ? options_.tls->context : nullptr);
    registry_.add(listener);
    listener->start(allowed, std::move(*slot));
  });
}

bool Server::adopt(core::OutboundSocketRequest request) {
  int fd = request.native_fd;
  sockaddr_storage local{};
  socklen_t length = sizeof local;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) != 0) {
    ::close(fd);
    return false;
  }
  asio::ip::tcp::socket socket(io_);
  std::error_code ec;
  socket.assign(local.ss_family == AF_INET6 ? asio::ip::tcp::v6() : asio::ip::tcp::v4(), fd, ec);
  if (ec) {
    ::close(fd);
    return false;
  }
  auto listener =
      std::make_shared<Listener>(context_, registry_, std::move(socket), next_id_.fetch_add(1));
  registry_.add(listener);
  listener->start_outbound(std::move(request));
  return true;
}

void Server::stop(const std::string& notice) {
  asio::post(accept_io_, [this] {
    std::error_code ec;
    acceptor_.close(ec);
    tls_acceptor_.close(ec);
    accept_retry_timer_.cancel();
    tls_accept_retry_timer_.cancel();
  });
  {
    std::lock_guard lock(io_work_mutex_);
    io_work_.reset();
  }
  for (auto& listener : registry_.snapshot()) listener->shutdown(notice);
}

std::vector<ListenerStats> Server::listener_stats() const {
  std::vector<ListenerStats> out;
  for (auto& listener : registry_.snapshot()) out.push_back(listener->stats());
  return out;
}

}  // namespace es::eventsocket
