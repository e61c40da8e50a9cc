#include "fake_server.hpp"

#include <gtest/gtest.h>

#include <asio/read.hpp>
#include <asio/write.hpp>

#include <chrono>

#include "protocol/escape.hpp"
#include "protocol/frames.hpp"

namespace es::client::test {

void FakePeer::send(std::string_view bytes, std::size_t piece) {
  std::error_code ec;
  if (piece == 0) piece = bytes.size();
  for (std::size_t pos = 0; pos < bytes.size(); pos += piece) {
    asio::write(socket_, asio::buffer(bytes.substr(pos, piece)), ec);
    if (ec) return;
    if (pos + piece < bytes.size()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

protocol::CommandPacket FakePeer::read_command() {
  protocol::CommandPacket packet;
  std::array<char, 4096> buffer;
  while (parser_.next(packet) != protocol::ParseStatus::kPacket) {
    std::error_code ec;
    std::size_t received = socket_.read_some(asio::buffer(buffer), ec);
    if (ec) return {};
    parser_.feed(std::string_view(buffer.data(), received));
  }
  return packet;
}

void FakePeer::accept_auth(std::string_view password) {
  send(protocol::kAuthRequest);
  auto auth = read_command();
  EXPECT_EQ(auth.command, "auth " + std::string(password));
  send(reply("+OK accepted"));
}

void FakePeer::close() {
  std::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

FakeServer::FakeServer(std::function<void(FakePeer&)> script)
    : acceptor_(io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
  port_ = acceptor_.local_endpoint().port();
  thread_ = std::thread([this, script = std::move(script)] {
    std::error_code ec;
    asio::ip::tcp::socket socket(io_);
    acceptor_.accept(socket, ec);
    if (ec) return;
    FakePeer peer(std::move(socket));
    script(peer);
    // Keep the connection until the client closes it, so the end is the client's doing.
    peer.read_command();
  });
}

FakeServer::~FakeServer() {
  thread_.join();
}

std::string reply(std::string_view text) {
  return protocol::command_reply(text);
}

std::string api_response(std::string_view body) {
  return protocol::api_response(body);
}

std::string plain_event(const std::vector<protocol::HeaderField>& headers, std::string_view body) {
  std::string serialized;
  for (const auto& header : headers) {
    serialized += header.name + ": ";
    protocol::url_encode_append(serialized, header.value);
    serialized += '\n';
  }
  if (!body.empty()) serialized += "Content-Length: " + std::to_string(body.size()) + "\n";
  serialized += '\n';
  serialized += body;
  return protocol::event_frame(protocol::EventFormat::kPlain, serialized);
}

}  // namespace es::client::test
