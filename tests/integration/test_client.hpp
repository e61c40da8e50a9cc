// A blocking TCP client for integration tests: sends raw bytes and reads server messages
// (framed by protocol::MessageParser, values kept raw) together with their exact bytes.
// Every read has a timeout so a silent server fails a test instead of hanging it.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/message_parser.hpp"

namespace es::itest {

using namespace std::chrono_literals;
inline constexpr std::chrono::milliseconds kReadTimeout = 5s;

struct Frame {
  std::string raw;            // the message exactly as received
  protocol::Message message;  // parsed, values not URL-decoded
  std::string_view content_type() const { return message.content_type(); }
};

class TestClient {
 public:
  TestClient() = default;
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  bool connect(unsigned short port, std::string_view ip = "127.0.0.1");
  bool connected() const { return fd_ >= 0; }
  void close();
  // Half-close: no more bytes from us (what `printf ... | nc` does at the end of its input).
  void shutdown_send();

  bool send(std::string_view bytes);
  // Sends `bytes` in pieces of `piece` bytes with a short pause between them, so the server
  // sees them in separate reads.
  bool send_fragmented(std::string_view bytes, std::size_t piece);

  // The next complete message, or nullopt on timeout / close.
  std::optional<Frame> read_frame(std::chrono::milliseconds timeout = kReadTimeout);
  std::optional<protocol::Message> read_message(std::chrono::milliseconds timeout = kReadTimeout);
  // Skips messages until one satisfies `wanted` (the skipped ones are appended to `skipped`
  // when given); nullopt on timeout.
  std::optional<Frame> read_until(const std::function<bool(const Frame&)>& wanted,
                                  std::chrono::milliseconds timeout = kReadTimeout,
                                  std::vector<Frame>* skipped = nullptr);
  // Puts frames back in front of the unread input, so the next reads return them again.
  void unread(const std::vector<Frame>& frames);
  // Exactly `n` raw bytes (or fewer if the peer closed / timeout passed).
  std::string read_raw_bytes(std::size_t n, std::chrono::milliseconds timeout = kReadTimeout);
  // True if the peer closes the connection within `timeout` without sending anything more;
  // any bytes that did arrive are stored in `extra` when given.
  bool expect_closed(std::chrono::milliseconds timeout = kReadTimeout,
                     std::string* extra = nullptr);
  // True if nothing at all arrives within `quiet` (the connection stays open and silent).
  bool expect_silence(std::chrono::milliseconds quiet);

  // Local TCP port of this connection (to find it in `event_socket listeners`).
  unsigned short local_port() const;
  std::size_t buffered() const { return pending_.size(); }

 private:
  // Reads once into pending_; false on close, error or timeout.
  enum class ReadResult { kData, kTimeout, kClosed };
  ReadResult read_some(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  bool peer_closed_ = false;
  std::string pending_;  // received bytes not handed out yet
};

// Exact frames of docs/wire-protocol.md §2, spelled out independently of the server's builders.
std::string reply_frame(std::string_view reply_text);
std::string api_frame(std::string_view body);
std::string disconnect_frame(std::string_view body);
inline constexpr std::string_view kAuthRequestFrame = "Content-Type: auth/request\n\n";
inline constexpr std::string_view kGoodbyeBody =
    "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n";
inline constexpr std::string_view kShutdownBody = "The system is being shut down.\n";

// Reads the next message and checks it is the auth/request greeting (failure recorded).
bool read_greeting(TestClient& client);

// Connects, expects the auth challenge, authenticates with `password`, expects +OK accepted.
// Records gtest failures on the way; returns false when something went wrong.
bool connect_and_auth(TestClient& client, unsigned short port,
                      std::string_view password = "ClueCon");

// URL encoding of event values as docs/event-formats.md §4.1 describes it (written for the tests).
std::string expected_url_encode(std::string_view value);

// The server side of a fake peer: a socket listening on 127.0.0.1 on a port the kernel picks,
// stored in `port` (failures recorded).
int listen_on_loopback(unsigned short& port);

}  // namespace es::itest
