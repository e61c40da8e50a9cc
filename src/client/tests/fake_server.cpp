#include "fake_server.hpp"

#include <gtest/gtest.h>

#include <asio/co_spawn.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>

#include <chrono>
#include <utility>

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

FakeServer::FakeServer(Script script) : FakeServer(std::vector<Script>{std::move(script)}) {}

FakeServer::FakeServer(std::vector<Script> scripts)
    : acceptor_(io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
  port_ = acceptor_.local_endpoint().port();
  thread_ = std::thread([this, scripts = std::move(scripts)] {
    for (std::size_t i = 0; i < scripts.size(); ++i) {
      std::error_code ec;
      asio::ip::tcp::socket socket(io_);
      acceptor_.accept(socket, ec);
      if (ec) return;
      {
        std::lock_guard lock(mutex_);
        accept_times_.push_back(std::chrono::steady_clock::now());
      }
      FakePeer peer(std::move(socket));
      scripts[i](peer);
      // Keep the last connection until the client closes it, so the end is the client's doing.
      if (i + 1 == scripts.size()) peer.read_command();
    }
  });
}

FakeServer::~FakeServer() {
  thread_.join();
}

std::vector<std::chrono::steady_clock::time_point> FakeServer::accept_times() const {
  std::lock_guard lock(mutex_);
  return accept_times_;
}

FakeSwitch::FakeSwitch(unsigned short port, std::function<void(FakePeer&)> script) {
  thread_ = std::thread([this, port, script = std::move(script)] {
    asio::ip::tcp::socket socket(io_);
    std::error_code ec;
    socket.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
    ASSERT_FALSE(ec) << "cannot connect to the outbound server: " << ec.message();
    FakePeer peer(std::move(socket));
    script(peer);
  });
}

FakeSwitch::~FakeSwitch() {
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

void run_coroutine(const std::function<asio::awaitable<void>(asio::io_context&)>& body,
                   std::chrono::seconds limit) {
  asio::io_context io;
  std::exception_ptr failure;
  bool finished = false;
  asio::co_spawn(io, body(io), [&](std::exception_ptr e) {
    failure = std::move(e);
    finished = true;
  });
  io.run_for(limit);
  ASSERT_TRUE(finished) << "the coroutine did not finish";
  if (failure) std::rethrow_exception(failure);
}

}  // namespace es::client::test
