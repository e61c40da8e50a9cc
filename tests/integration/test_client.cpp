#include "test_client.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

namespace es::itest {
namespace {

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

}  // namespace

TestClient::~TestClient() {
  close();
}

bool TestClient::connect(unsigned short port, std::string_view ip) {
  close();
  sockaddr_storage storage{};
  socklen_t length = 0;
  std::string ip_text(ip);
  int family = ip_text.find(':') != std::string::npos ? AF_INET6 : AF_INET;
  if (family == AF_INET) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    if (inet_pton(AF_INET, ip_text.c_str(), &v4->sin_addr) != 1) return false;
    length = sizeof(sockaddr_in);
  } else {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    if (inet_pton(AF_INET6, ip_text.c_str(), &v6->sin6_addr) != 1) return false;
    length = sizeof(sockaddr_in6);
  }
  fd_ = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return false;
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&storage), length) != 0) {
    close();
    return false;
  }
  peer_closed_ = false;
  pending_.clear();
  return true;
}

void TestClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void TestClient::shutdown_send() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
}

bool TestClient::send(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool TestClient::send_fragmented(std::string_view bytes, std::size_t piece) {
  while (!bytes.empty()) {
    std::size_t take = std::min(piece, bytes.size());
    if (!send(bytes.substr(0, take))) return false;
    bytes.remove_prefix(take);
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

TestClient::ReadResult TestClient::read_some(std::chrono::steady_clock::time_point deadline) {
  if (fd_ < 0 || peer_closed_) return ReadResult::kClosed;
  for (;;) {
    pollfd p{fd_, POLLIN, 0};
    int ready = poll(&p, 1, remaining_ms(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) return ReadResult::kTimeout;
    if (ready < 0) return ReadResult::kClosed;
    char buffer[65536];
    ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      peer_closed_ = true;
      return ReadResult::kClosed;
    }
    pending_.append(buffer, static_cast<std::size_t>(n));
    return ReadResult::kData;
  }
}

std::optional<Frame> TestClient::read_frame(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  protocol::MessageParser parser;
  parser.feed(pending_);
  for (;;) {
    Frame frame;
    auto status = parser.next(frame.message);
    if (status == protocol::ParseStatus::kPacket) {
      std::size_t used = pending_.size() - parser.buffered_bytes();
      frame.raw = pending_.substr(0, used);
      pending_.erase(0, used);
      return frame;
    }
    if (status != protocol::ParseStatus::kNeedMore) return std::nullopt;
    std::size_t before = pending_.size();
    if (read_some(deadline) != ReadResult::kData) return std::nullopt;
    parser.feed(std::string_view(pending_).substr(before));
  }
}

std::optional<protocol::Message> TestClient::read_message(std::chrono::milliseconds timeout) {
  auto frame = read_frame(timeout);
  if (!frame) return std::nullopt;
  return std::move(frame->message);
}

std::optional<Frame> TestClient::read_until(const std::function<bool(const Frame&)>& wanted,
                                            std::chrono::milliseconds timeout,
                                            std::vector<Frame>* skipped) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto frame = read_frame(std::chrono::milliseconds(remaining_ms(deadline)));
    if (!frame) return std::nullopt;
    if (wanted(*frame)) return frame;
    if (skipped) skipped->push_back(std::move(*frame));
  }
}

void TestClient::unread(const std::vector<Frame>& frames) {
  std::string bytes;
  for (const auto& f : frames) bytes += f.raw;
  pending_.insert(0, bytes);
}

std::string TestClient::read_raw_bytes(std::size_t n, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (pending_.size() < n) {
    if (read_some(deadline) != ReadResult::kData) break;
  }
  std::size_t take = std::min(n, pending_.size());
  std::string out = pending_.substr(0, take);
  pending_.erase(0, take);
  return out;
}

bool TestClient::expect_closed(std::chrono::milliseconds timeout, std::string* extra) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  ReadResult result;
  while ((result = read_some(deadline)) == ReadResult::kData) {
  }
  bool clean = result == ReadResult::kClosed && pending_.empty();
  if (extra) *extra = pending_;
  pending_.clear();
  return clean;
}

bool TestClient::expect_silence(std::chrono::milliseconds quiet) {
  if (!pending_.empty()) return false;
  auto result = read_some(std::chrono::steady_clock::now() + quiet);
  return result == ReadResult::kTimeout;
}

unsigned short TestClient::local_port() const {
  sockaddr_storage storage{};
  socklen_t length = sizeof storage;
  if (getsockname(fd_, reinterpret_cast<sockaddr*>(&storage), &length) != 0) return 0;
  if (storage.ss_family == AF_INET) {
    return ntohs(reinterpret_cast<sockaddr_in*>(&storage)->sin_port);
  }
  return ntohs(reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port);
}

std::string reply_frame(std::string_view reply_text) {
  std::string out = "Content-Type: command/reply\nReply-Text: ";
  out += reply_text;
  out += "\n\n";
  return out;
}

std::string api_frame(std::string_view body) {
  std::string out = "Content-Type: api/response\nContent-Length: ";
  out += std::to_string(body.size());
  out += "\n\n";
  out += body;
  return out;
}

std::string disconnect_frame(std::string_view body) {
  std::string out = "Content-Type: text/disconnect-notice\nContent-Length: ";
  out += std::to_string(body.size());
  out += "\n\n";
  out += body;
  return out;
}

bool read_greeting(TestClient& client) {
  auto greeting = client.read_frame();
  if (!greeting || greeting->raw != kAuthRequestFrame) {
    ADD_FAILURE() << "expected the auth/request greeting, got "
                  << (greeting ? greeting->raw : std::string("nothing"));
    return false;
  }
  return true;
}

bool connect_and_auth(TestClient& client, unsigned short port, std::string_view password) {
  if (!client.connect(port)) {
    ADD_FAILURE() << "cannot connect to 127.0.0.1:" << port;
    return false;
  }
  if (!read_greeting(client)) return false;
  std::string command = "auth ";
  command += password;
  command += "\n\n";
  client.send(command);
  auto reply = client.read_frame();
  if (!reply || reply->raw != reply_frame("+OK accepted")) {
    ADD_FAILURE() << "auth not accepted: " << (reply ? reply->raw : std::string("nothing"));
    return false;
  }
  return true;
}

std::string expected_url_encode(std::string_view value) {
  static constexpr std::string_view kAlwaysEncoded = "\r\n #%&+:;<=>?@[\\]^`{|}\"";
  static constexpr std::string_view kUpperHex = "0123456789ABCDEF";
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    auto byte = static_cast<unsigned char>(value[i]);
    // "%XX" with uppercase hex digits counts as already encoded (docs/event-formats.md §4.1 quirk).
    if (byte == '%' && i + 2 < value.size() &&
        kUpperHex.find(value[i + 1]) != std::string_view::npos &&
        kUpperHex.find(value[i + 2]) != std::string_view::npos) {
      out += '%';
      continue;
    }
    if (byte < 0x20 || byte > 0x7E ||
        kAlwaysEncoded.find(static_cast<char>(byte)) != std::string_view::npos) {
      out += '%';
      out += kUpperHex[byte >> 4];
      out += kUpperHex[byte & 0x0F];
    } else {
      out += static_cast<char>(byte);
    }
  }
  return out;
}

int listen_on_loopback(unsigned short& port) {
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  int on = 1;
  ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  EXPECT_EQ(::listen(listener, 4), 0);
  socklen_t length = sizeof address;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  port = ntohs(address.sin_port);
  return listener;
}

}  // namespace es::itest
