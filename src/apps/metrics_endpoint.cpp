#include "apps/metrics_endpoint.hpp"

#include <dirent.h>
#include <fmt/format.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <asio/ip/address.hpp>

#include <array>
#include <charconv>
#include <chrono>
#include <cstring>
#include <optional>
#include <string_view>

namespace es::apps {
namespace {

// Per read and per write; a scrape is one small request and a few KiB of answer.
constexpr int kIoTimeoutSeconds = 2;
constexpr std::size_t kMaxBodyBytes = 0;  // GET only: any request body is refused
// The request line and headers together. Debian's cpp-httplib (0.11) bounds each header line
// but not their number, so a peer streaming header lines would grow its memory without end:
// the whole head must have arrived, within this size and the timeout, before httplib reads it.
constexpr std::size_t kMaxRequestHead = 8192;

// True once the request head (up to its blank line) is waiting in the socket, at most
// kMaxRequestHead bytes, within kIoTimeoutSeconds. Only peeks: httplib reads it afterwards.
bool head_arrived_within_bounds(int fd) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kIoTimeoutSeconds);
  std::array<char, kMaxRequestHead> head{};
  int low_water = 1;
  for (;;) {
    // Wakes only once more bytes than already seen are there (Linux honours SO_RCVLOWAT in poll).
    ::setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &low_water, sizeof low_water);
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd waiting{.fd = fd, .events = POLLIN, .revents = 0};
    if (left.count() <= 0 || ::poll(&waiting, 1, static_cast<int>(left.count())) <= 0) {
      return false;
    }
    ssize_t n = ::recv(fd, head.data(), head.size(), MSG_PEEK | MSG_DONTWAIT);
    if (n <= 0) return false;
    std::string_view seen(head.data(), static_cast<std::size_t>(n));
    if (seen.find("\r\n\r\n") != std::string_view::npos ||
        seen.find("\n\n") != std::string_view::npos) {
      low_water = 1;
      ::setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &low_water, sizeof low_water);
      return true;
    }
    if (static_cast<std::size_t>(n) == head.size()) return false;  // head over the bound
    // Readable without a byte more: the peer ended its side before finishing the head.
    if (static_cast<int>(n) < low_water) return false;
    low_water = static_cast<int>(n) + 1;
  }
}

// Where the endpoint listens, to recognise its connections: the port, and the address unless
// it is a wildcard (a connection's local address is then the one the client reached).
struct BoundAddress {
  unsigned short port = 0;
  std::optional<asio::ip::address> address;
};

bool same_endpoint(const sockaddr_storage& local, const BoundAddress& bound) {
  if (local.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(local);
    if (ntohs(v4.sin_port) != bound.port) return false;
    return !bound.address || *bound.address == asio::ip::address_v4(ntohl(v4.sin_addr.s_addr));
  }
  if (local.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(local);
    if (ntohs(v6.sin6_port) != bound.port) return false;
    asio::ip::address_v6::bytes_type bytes;
    std::memcpy(bytes.data(), v6.sin6_addr.s6_addr, bytes.size());
    return !bound.address || *bound.address == asio::ip::address_v6(bytes);
  }
  return false;
}

// The connection httplib has just accepted: as tasks run one at a time on the endpoint's
// thread, it is the one socket of the process on the endpoint's address that is not the
// listening one; -1 if none is found. (httplib 0.11 hands no descriptor to its public
// extension points; the one that has it, process_and_close_socket, is private.)
int accepted_connection(const BoundAddress& bound) {
  DIR* fds = ::opendir("/proc/self/fd");
  if (!fds) return -1;
  int found = -1;
  while (dirent* entry = ::readdir(fds)) {
    int fd = std::atoi(entry->d_name);
    if (fd <= 2 || fd == ::dirfd(fds)) continue;
    sockaddr_storage local{};
    socklen_t length = sizeof local;
    int listening = 0;
    socklen_t flag_length = sizeof listening;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) != 0 ||
        !same_endpoint(local, bound) ||
        ::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &flag_length) != 0 ||
        listening != 0) {
      continue;
    }
    found = fd;
    break;
  }
  ::closedir(fds);
  return found;
}

// httplib hands each accepted connection to a task queue; running it right here, on the
// endpoint's only thread, serves one connection at a time (the rest wait in the kernel's
// backlog) instead of growing a pool. Before httplib reads a request, its head must be there
// whole and within bounds; otherwise the connection is shut down, so httplib's first read ends
// at once and it closes the socket itself.
class GatedInlineQueue final : public httplib::TaskQueue {
 public:
  explicit GatedInlineQueue(BoundAddress bound) : bound_(std::move(bound)) {}
  void enqueue(std::function<void()> fn) override {
    int fd = accepted_connection(bound_);
    if (fd < 0 || !head_arrived_within_bounds(fd)) {
      if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
    }
    fn();
  }
  void shutdown() override {}

 private:
  BoundAddress bound_;
};

}  // namespace

MetricsEndpoint::MetricsEndpoint(core::MetricsRegistry& registry)
    : registry_(registry), server_(std::make_unique<httplib::Server>()) {}

MetricsEndpoint::~MetricsEndpoint() {
  if (thread_.joinable()) {
    server_->stop();
    thread_.join();
  }
}

bool MetricsEndpoint::start(const std::string& listen, std::string* error) {
  auto colon = listen.rfind(':');
  int port = -1;
  std::string host = colon == std::string::npos ? std::string() : listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (colon != std::string::npos) {
    const char* first = listen.data() + colon + 1;
    const char* last = listen.data() + listen.size();
    auto [end, ec] = std::from_chars(first, last, port);
    if (ec != std::errc() || end != last || port < 0 || port > 65535) port = -1;
  }
  if (host.empty() || port < 0) {
    *error = fmt::format("metrics-listen '{}' is not IP:PORT", listen);
    return false;
  }
  server_->set_read_timeout(kIoTimeoutSeconds, 0);
  server_->set_write_timeout(kIoTimeoutSeconds, 0);
  // Also how long a connection may stay silent before its (only) request.
  server_->set_keep_alive_timeout(kIoTimeoutSeconds);
  server_->set_keep_alive_max_count(1);
  server_->set_payload_max_length(kMaxBodyBytes);
  server_->Get("/metrics", [this](const httplib::Request&, httplib::Response& response) {
    response.set_content(registry_.render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  int bound = port;
  if (port == 0) {
    bound = server_->bind_to_any_port(host);
  } else if (!server_->bind_to_port(host, port)) {
    bound = -1;
  }
  if (bound <= 0) {
    *error = fmt::format("cannot bind the metrics endpoint on {}", listen);
    return false;
  }
  // The gate finds connections by the address bound, whose port is known only now.
  BoundAddress gate{.port = static_cast<unsigned short>(bound), .address = std::nullopt};
  std::error_code not_ip;
  auto address = asio::ip::make_address(host, not_ip);
  if (!not_ip && !address.is_unspecified()) gate.address = address;
  server_->new_task_queue = [gate] { return new GatedInlineQueue(gate); };
  address_ = host.find(':') == std::string::npos ? fmt::format("{}:{}", host, bound)
                                                 : fmt::format("[{}]:{}", host, bound);
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return true;
}

}  // namespace es::apps
