// The shared state behind a Connection: socket, parser, the FIFO of commands awaiting replies,
// the waiters for background jobs and executed applications, the event queue and the
// subscriptions the library added for itself. Every member is touched on `strand` only (except
// the atomics read by is_open()).
#pragma once

#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <unordered_map>

#include "client/connection.hpp"
#include "protocol/message_parser.hpp"

namespace es::client::detail {

// A one-shot result slot awaited by one coroutine. The timer never expires on its own (unless a
// timeout is set): completing cancels it, which wakes the waiter.
template <class T>
struct Slot {
  explicit Slot(const asio::strand<asio::any_io_executor>& strand)
      : timer(strand, asio::steady_timer::time_point::max()) {}
  void complete(T result) {
    if (done) return;
    value = std::move(result);
    done = true;
    timer.cancel();
  }
  void fail(ClientError::Kind kind, std::string why) {
    if (done) return;
    error_kind = kind;
    error = std::move(why);
    done = true;
    timer.cancel();
  }
  asio::steady_timer timer;
  std::optional<T> value;
  std::optional<std::string> error;
  ClientError::Kind error_kind = ClientError::Kind::kDisconnected;
  bool done = false;
  bool abandoned = false;  // the waiter gave up (timeout): the result is dropped on arrival
};

using ReplySlot = Slot<protocol::Message>;

enum class Phase { kIdle, kConnecting, kOpen, kClosed };

class ConnectionState : public std::enable_shared_from_this<ConnectionState> {
 public:
  ConnectionState(asio::any_io_executor executor, ConnectionOptions connection_options);

  // Queues `wire_text` (a complete command packet) and returns the slot its reply will fill.
  std::shared_ptr<ReplySlot> send_command(std::string wire_text);
  // Sends "event" for the event types the library needs but the server may not send yet.
  void ensure_library_subscription(std::string_view event_name);
  void resubscribe_library_events();
  bool application_wants(std::string_view event_name) const;
  void finish(ClientError::Kind kind, std::string reason);
  void handle_message(protocol::Message message);
  void deliver_event(Event event);

  asio::strand<asio::any_io_executor> strand;
  asio::ip::tcp::socket socket;
  ConnectionOptions options;
  protocol::MessageParser parser;
  std::atomic<Phase> phase{Phase::kIdle};
  mutable std::mutex reason_mutex;
  std::string close_reason;
  ClientError::Kind close_kind = ClientError::Kind::kDisconnected;

  std::deque<std::shared_ptr<ReplySlot>> awaiting_reply;  // oldest command first
  std::deque<std::string> outbox;
  bool writing = false;

  std::unordered_map<std::string, std::shared_ptr<Slot<BackgroundJob>>> jobs;  // Job-UUID
  std::unordered_map<std::string, std::shared_ptr<Slot<Event>>> executions;    // App-UUID
  std::deque<Event> events;
  std::shared_ptr<Slot<bool>> event_waiter;
  std::function<void(Event)> event_handler;
  std::function<void(LogLine)> log_handler;

  protocol::EventFormat format = protocol::EventFormat::kPlain;
  bool application_all = false;
  std::set<std::string> application_events;  // upper-case names the application subscribed to
  std::set<std::string> library_events;      // names the library needs for itself
  std::multiset<std::pair<std::string, std::string>> application_filters;
  std::set<std::string> library_filters;  // Event-Name values filtered in for the library

 private:
  void start_writer();
};

asio::awaitable<void> read_loop(std::shared_ptr<ConnectionState> state);

}  // namespace es::client::detail
