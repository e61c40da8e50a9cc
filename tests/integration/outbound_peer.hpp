// The application side of an outbound connection (the `socket` application's server), shared
// by the outbound and rights tests.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/message_parser.hpp"
#include "test_client.hpp"

namespace es::itest {

// The application side of one outbound connection: listens on 127.0.0.1, accepts the
// daemon's connection, sends commands and reads the messages the daemon sends.
class OutboundPeer {
 public:
  ~OutboundPeer() {
    close_connection();
    if (listen_fd_ >= 0) ::close(listen_fd_);
  }

  bool listen() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) return false;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      return false;
    }
    socklen_t length = sizeof address;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    return ::listen(listen_fd_, 8) == 0;
  }
  // Listens on ::1 instead.
  bool listen_v6() {
    listen_fd_ = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) return false;
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    address.sin6_addr = in6addr_loopback;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      return false;
    }
    socklen_t length = sizeof address;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin6_port);
    return ::listen(listen_fd_, 8) == 0;
  }
  unsigned short port() const { return port_; }

  bool accept(std::chrono::milliseconds timeout = kReadTimeout) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1) return false;
    fd_ = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    return fd_ >= 0;
  }

  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  std::optional<protocol::Message> read_message(std::chrono::milliseconds timeout = kReadTimeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    protocol::Message message;
    for (;;) {
      if (parser_.next(message) == protocol::ParseStatus::kPacket) return message;
      if (!read_more(deadline)) return std::nullopt;
    }
  }

  // The next message that is not an event (events are kept in events()).
  std::optional<protocol::Message> read_non_event(
      std::chrono::milliseconds timeout = kReadTimeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      auto message = read_message(std::max(left, std::chrono::milliseconds(0)));
      if (!message) return std::nullopt;
      if (!message->content_type().starts_with("text/event-")) return message;
      if (message->content_type() == "text/event-plain") {
        events_.push_back(protocol::parse_header_block(message->body, true));
      }
    }
  }

  // Waits for an event named `name` (optionally with Application `app`).
  std::optional<protocol::Message> wait_event(std::string_view name, std::string_view app = {}) {
    auto matches = [&](const protocol::Message& e) {
      const std::string* event_name = e.header("Event-Name");
      const std::string* application = e.header("Application");
      return event_name && *event_name == name &&
             (app.empty() || (application && *application == app));
    };
    for (auto& e : events_) {
      if (matches(e)) return e;
    }
    auto deadline = std::chrono::steady_clock::now() + kReadTimeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto message = read_message(std::chrono::seconds(1));
      if (!message) continue;
      if (message->content_type() != "text/event-plain") {
        others_.push_back(*message);
        continue;
      }
      events_.push_back(protocol::parse_header_block(message->body, true));
      if (matches(events_.back())) return events_.back();
    }
    return std::nullopt;
  }

  // Replies and notices that arrived while wait_event was looking for events.
  std::vector<protocol::Message>& others() { return others_; }

  // The disconnect notice: one already seen by wait_event, or the next non-event message
  // that is one (other replies are skipped).
  std::optional<protocol::Message> wait_notice() {
    for (auto& m : others_) {
      if (m.content_type() == "text/disconnect-notice") return m;
    }
    for (;;) {
      auto m = read_non_event();
      if (!m || m->content_type() == "text/disconnect-notice") return m;
      others_.push_back(*m);
    }
  }

  bool expect_closed(std::chrono::milliseconds timeout = kReadTimeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      char buffer[4096];
      pollfd p{fd_, POLLIN, 0};
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) != 1) return false;
      ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) return true;
    }
  }

  void close_connection() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  bool read_more(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd_, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) != 1) return false;
    char buffer[8192];
    ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    parser_.feed(std::string_view(buffer, static_cast<std::size_t>(n)));
    return true;
  }

  int listen_fd_ = -1;
  int fd_ = -1;
  unsigned short port_ = 0;
  protocol::MessageParser parser_;
  std::vector<protocol::Message> events_;
  std::vector<protocol::Message> others_;
};

inline std::string reply_text(const std::optional<protocol::Message>& message) {
  if (!message) return "<nothing>";
  const std::string* text = message->header("Reply-Text");
  return text ? *text : "<no Reply-Text>";
}

inline std::string header_or_empty(const protocol::Message& message, std::string_view name) {
  const std::string* value = message.header(name);
  return value ? *value : std::string();
}

}  // namespace es::itest
