// baseline_fanout: the physical ceiling for event fan-out. A minimal single-threaded server
// that speaks just enough of the event socket protocol for `es_load fanout` (auth/request,
// auth, event, sendevent, exit; api answers every command with a one-line body) and builds
// each event frame once per format, then queues the same bytes to every subscriber.
// Events carry the same standard headers as eventswitch's, so frames are of similar size.
// With --threads N, connections are spread over N event loops; each loop owns the list of its
// subscribers, and a fired event is handed to every loop once (not once per subscriber).
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <array>
#include <asio.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "protocol/command_parser.hpp"
#include "protocol/escape.hpp"
#include "protocol/frames.hpp"

namespace {

using asio::ip::tcp;
using es::protocol::EventFormat;
using Frame = std::shared_ptr<const std::string>;

constexpr std::size_t kMaxQueuedFrames = 100000;  // as eventswitch's per-listener queue
constexpr std::size_t kMaxGather = 64;            // frames per write

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (lower(text[i]) != lower(prefix[i])) return false;
  }
  return true;
}

class Session;

// One event loop and the subscribers whose connections it serves (touched only by its thread).
struct Loop {
  asio::io_context io{1};
  std::vector<Session*> subscribers;
};

struct ServerState {
  std::string password;
  std::vector<std::unique_ptr<Loop>> loops;
  std::atomic<int> format_users[es::protocol::kEventFormatCount] = {};
  std::atomic<std::uint64_t> sequence{0};
  std::atomic<std::uint64_t> lost{0};
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, ServerState& state, Loop& loop)
      : socket_(std::move(socket)), state_(state), loop_(loop) {}

  void start() {
    std::error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
    send(std::string(es::protocol::kAuthRequest));
    asio::co_spawn(socket_.get_executor(), read_loop(shared_from_this()), asio::detached);
  }

  EventFormat format() const { return format_; }

  void deliver(const Frame& frame) {
    if (queue_.size() >= kMaxQueuedFrames) {
      ++state_.lost;
      return;
    }
    queue_.push_back(frame);
    if (!writing_) write_next();
  }

 private:
  static asio::awaitable<void> read_loop(std::shared_ptr<Session> self) {
    std::vector<char> chunk(65536);
    es::protocol::CommandPacket packet;
    for (;;) {
      std::error_code ec;
      std::size_t n = co_await self->socket_.async_read_some(
          asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      self->parser_.feed(std::string_view(chunk.data(), n));
      es::protocol::ParseStatus status;
      while ((status = self->parser_.next(packet)) == es::protocol::ParseStatus::kPacket) {
        self->handle(packet);
      }
      if (status == es::protocol::ParseStatus::kBodyTooLarge || self->closing_) break;
    }
    self->unsubscribe();
    if (!self->closing_) self->close();
  }

  void handle(const es::protocol::CommandPacket& packet) {
    std::string_view command = packet.command;
    if (starts_with_nocase(command, "exit")) {
      reply("+OK bye");
      finish();
    } else if (!authenticated_) {
      if (starts_with_nocase(command, "auth ")) {
        if (command.substr(5) == state_.password) {
          authenticated_ = true;
          reply("+OK accepted");
        } else {
          reply("-ERR invalid");
          finish();
        }
      } else {
        reply("-ERR command not found");
      }
    } else if (starts_with_nocase(command, "event ")) {
      subscribe(command.substr(6));
    } else if (starts_with_nocase(command, "sendevent")) {
      fire(packet);
    } else if (starts_with_nocase(command, "api ")) {
      send(es::protocol::api_response(fmt::format("+OK baseline {}\n", command.substr(4))));
    } else {
      reply("-ERR command not found");
    }
  }

  void subscribe(std::string_view words) {
    std::string_view first = words.substr(0, words.find(' '));
    auto format = es::protocol::parse_format(first).value_or(format_);
    if (subscribed_) --state_.format_users[static_cast<std::size_t>(format_)];
    format_ = format;
    ++state_.format_users[static_cast<std::size_t>(format_)];
    if (!subscribed_) loop_.subscribers.push_back(this);
    subscribed_ = true;
    reply(fmt::format("+OK event listener enabled {}", es::protocol::format_name(format_)));
  }

  // The event a sendevent fires: the packet's headers, then the standard ones.
  void fire(const es::protocol::CommandPacket& packet) {
    std::string_view name = packet.command.size() > 9 ? std::string_view(packet.command).substr(10)
                                                      : std::string_view("CUSTOM");
    std::string uuid = make_uuid();
    std::vector<std::pair<std::string, std::string>> headers;
    headers.emplace_back("Command", packet.command);
    for (const auto& field : packet.headers) headers.emplace_back(field.name, field.value);
    headers.emplace_back("Event-UUID", uuid);
    auto now = std::chrono::system_clock::now();
    auto epoch_us =
        std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
    auto seconds = std::chrono::system_clock::to_time_t(now);
    headers.emplace_back("Event-Name", std::string(name));
    headers.emplace_back("Core-UUID", "00000000-0000-4000-8000-0000baseline");
    headers.emplace_back("FreeSWITCH-Hostname", "localhost");
    headers.emplace_back("FreeSWITCH-Switchname", "localhost");
    headers.emplace_back("FreeSWITCH-IPv4", "127.0.0.1");
    headers.emplace_back("FreeSWITCH-IPv6", "::1");
    headers.emplace_back("Event-Date-Local",
                         fmt::format("{:%Y-%m-%d %H:%M:%S}", fmt::localtime(seconds)));
    headers.emplace_back("Event-Date-GMT",
                         fmt::format("{:%a, %d %b %Y %H:%M:%S GMT}", fmt::gmtime(seconds)));
    headers.emplace_back("Event-Date-Timestamp", std::to_string(epoch_us));
    headers.emplace_back("Event-Calling-File", "baseline_fanout.cpp");
    headers.emplace_back("Event-Calling-Function", "fire");
    headers.emplace_back("Event-Calling-Line-Number", "1");
    headers.emplace_back("Event-Sequence", std::to_string(++state_.sequence));
    reply("+OK " + uuid);

    // One frame per format in use, shared by every subscriber of that format.
    auto frames = std::make_shared<std::array<Frame, es::protocol::kEventFormatCount>>();
    for (std::size_t i = 0; i < frames->size(); ++i) {
      if (state_.format_users[i].load() > 0) {
        (*frames)[i] = build_frame(static_cast<EventFormat>(i), headers);
      }
    }
    for (auto& loop : state_.loops) {
      if (loop.get() == &loop_) {
        deliver_to(loop_, *frames);
      } else {
        asio::post(loop->io, [target = loop.get(), frames] { deliver_to(*target, *frames); });
      }
    }
  }

  static void deliver_to(Loop& loop,
                         const std::array<Frame, es::protocol::kEventFormatCount>& frames) {
    for (Session* subscriber : loop.subscribers) {
      // A subscriber that switched to a format nobody used when the event fired misses it.
      if (const Frame& frame = frames[static_cast<std::size_t>(subscriber->format())]) {
        subscriber->deliver(frame);
      }
    }
  }

  static Frame build_frame(EventFormat format,
                           const std::vector<std::pair<std::string, std::string>>& headers) {
    std::string body;
    if (format == EventFormat::kJson) {
      body += '{';
      for (std::size_t i = 0; i < headers.size(); ++i) {
        if (i) body += ',';
        body += '"';
        es::protocol::json_escape_append(body, headers[i].first);
        body += "\":\"";
        es::protocol::json_escape_append(body, headers[i].second);
        body += '"';
      }
      body += '}';
    } else if (format == EventFormat::kXml) {
      body += "<event>\n  <headers>\n";
      for (const auto& [name, value] : headers) {
        body += "    <" + name + ">";
        es::protocol::xml_escape_append(body, value);
        body += "</" + name + ">\n";
      }
      body += "  </headers>\n</event>\n";
    } else {
      for (const auto& [name, value] : headers) {
        body += name;
        body += ": ";
        es::protocol::url_encode_append(body, value);
        body += '\n';
      }
      body += '\n';
    }
    return std::make_shared<const std::string>(es::protocol::event_frame(format, body));
  }

  std::string make_uuid() {
    return fmt::format("00000000-0000-4000-8000-{:012x}", ++uuid_counter_);
  }

  void reply(std::string_view text) { send(es::protocol::command_reply(text)); }

  void send(std::string bytes) { deliver(std::make_shared<const std::string>(std::move(bytes))); }

  void write_next() {
    if (queue_.empty()) {
      writing_ = false;
      if (closing_) close();
      return;
    }
    writing_ = true;
    std::vector<asio::const_buffer> buffers;
    std::size_t count = std::min(queue_.size(), kMaxGather);
    for (std::size_t i = 0; i < count; ++i) buffers.emplace_back(asio::buffer(*queue_[i]));
    asio::async_write(
        socket_, buffers, [self = shared_from_this(), count](std::error_code ec, std::size_t) {
          if (ec) {
            self->queue_.clear();
            self->writing_ = false;
            self->unsubscribe();
            self->close();
            return;
          }
          self->queue_.erase(self->queue_.begin(), self->queue_.begin() + static_cast<long>(count));
          self->write_next();
        });
  }

  // Sends the goodbye notice, then closes once everything queued is written.
  void finish() {
    send(es::protocol::disconnect_notice(es::protocol::kGoodbyeText));
    closing_ = true;
    unsubscribe();
  }

  void unsubscribe() {
    if (!subscribed_) return;
    std::erase(loop_.subscribers, this);
    --state_.format_users[static_cast<std::size_t>(format_)];
    subscribed_ = false;
  }

  void close() {
    std::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  tcp::socket socket_;
  ServerState& state_;
  Loop& loop_;
  es::protocol::CommandParser parser_;
  std::deque<Frame> queue_;
  bool writing_ = false;
  bool closing_ = false;
  bool authenticated_ = false;
  bool subscribed_ = false;
  EventFormat format_ = EventFormat::kPlain;
  std::uint64_t uuid_counter_ = 0;
};

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, ServerState& state) {
  for (std::size_t next = 0;; ++next) {
    Loop& loop = *state.loops[next % state.loops.size()];
    std::error_code ec;
    tcp::socket socket =
        co_await acceptor.async_accept(loop.io, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      continue;  // e.g. out of descriptors: keep serving the others
    }
    // start() runs on the session's own loop: its subscriber list belongs to that thread.
    auto session = std::make_shared<Session>(std::move(socket), state, loop);
    asio::post(loop.io, [session] { session->start(); });
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"baseline_fanout: minimal event socket fan-out server (benchmark ceiling)"};
  int port = 0;
  int threads = 1;
  ServerState state;
  state.password = "ClueCon";
  app.add_option("--listen-port", port, "port on 127.0.0.1 (0: any free port)")
      ->check(CLI::Range(0, 65535));
  app.add_option("--password", state.password, "password for auth");
  app.add_option("--threads", threads, "event loops (connections spread round-robin)")
      ->check(CLI::Range(1, 64));
  CLI11_PARSE(app, argc, argv);
  std::signal(SIGPIPE, SIG_IGN);

  for (int i = 0; i < threads; ++i) state.loops.push_back(std::make_unique<Loop>());
  asio::io_context& main_io = state.loops[0]->io;
  std::error_code ec;
  tcp::acceptor acceptor(main_io);
  tcp::endpoint endpoint(asio::ip::address_v4::loopback(), static_cast<unsigned short>(port));
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    fmt::print(stderr, "baseline_fanout: cannot listen on 127.0.0.1:{}: {}\n", port, ec.message());
    return 1;
  }
  fmt::print(stderr, "baseline listening on 127.0.0.1:{}\n", acceptor.local_endpoint().port());
  asio::signal_set signals(main_io, SIGINT, SIGTERM);
  signals.async_wait([&](std::error_code, int) {
    acceptor.close();
    for (auto& loop : state.loops) loop->io.stop();
  });
  asio::co_spawn(main_io, accept_loop(acceptor, state), asio::detached);
  std::vector<std::thread> workers;
  for (std::size_t i = 1; i < state.loops.size(); ++i) {
    workers.emplace_back([&io = state.loops[i]->io] {
      auto guard = asio::make_work_guard(io);
      io.run();
    });
  }
  main_io.run();
  for (auto& loop : state.loops) loop->io.stop();
  for (auto& worker : workers) worker.join();
  return 0;
}
