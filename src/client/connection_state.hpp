// The shared state behind a Connection: socket, parser, the FIFO of commands awaiting replies,
// the waiters for background jobs and executed applications, the event queue and the
// subscriptions the library added for itself. Every member is touched on `strand` only (except
// the atomics read by is_open()).
#pragma once

#include <asio/co_spawn.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/ssl/context.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>
#include <asio/use_awaitable.hpp>

#include <atomic>
#include <chrono>
#include <deque>
#include <exception>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "client/connection.hpp"
#include "client/event_sequences.hpp"
#include "protocol/message_parser.hpp"

namespace es::client::detail {

// A one-shot result slot awaited by one coroutine, or handed to a callback (on_done). The timer
// never expires on its own (unless a timeout is set): completing cancels it, which wakes the
// waiter; a callback runs at once, on the strand, before that.
template <class T>
struct Slot {
  explicit Slot(const asio::strand<asio::any_io_executor>& strand)
      : timer(strand, asio::steady_timer::time_point::max()) {}
  void complete(T result) {
    if (done) return;
    value = std::move(result);
    finish();
  }
  void fail(ClientError::Kind kind, std::string why) {
    if (done) return;
    error_kind = kind;
    error = std::move(why);
    finish();
  }
  void finish() {
    done = true;
    if (on_done) std::exchange(on_done, nullptr)(*this);
    timer.cancel();
  }
  std::function<void(Slot&)> on_done;
  asio::steady_timer timer;
  std::optional<T> value;
  std::optional<std::string> error;
  ClientError::Kind error_kind = ClientError::Kind::kDisconnected;
  bool done = false;
  bool abandoned = false;  // the waiter gave up (timeout): the result is dropped on arrival
  // Runs on the strand when the result arrives (not when abandoned), before later messages.
  std::function<void(const T&)> on_arrival;
};

using ReplySlot = Slot<protocol::Message>;

enum class Phase { kIdle, kConnecting, kOpen, kReconnecting, kClosed };

// An execute() awaiting its CHANNEL_EXECUTE_COMPLETE; the channel's CHANNEL_HANGUP_COMPLETE
// ends it with an error instead.
struct PendingExecution {
  std::shared_ptr<Slot<Event>> slot;
  std::string channel;  // Unique-ID; in outbound mode the controlled channel's
};

struct PendingJob {
  std::shared_ptr<Slot<BackgroundJob>> slot;
  std::string command;
};

// The application's "event" subscriptions as it typed them, for replay after a reconnection.
// Words after CUSTOM are subclass names (docs/wire-protocol.md §5.15), so they are kept apart.
struct SubscriptionRecord {
  std::vector<std::string> names;  // event type names, ALL included; CUSTOM is `custom`
  bool custom = false;
  std::vector<std::string> subclasses;
  bool empty() const { return names.empty() && !custom; }
  void add(std::string_view events);
  void remove(std::string_view events);  // nixevent
  std::string words() const;             // "NAME ... [CUSTOM sub ...]"
};

class ConnectionState : public std::enable_shared_from_this<ConnectionState> {
 public:
  ConnectionState(const asio::any_io_executor& executor, ConnectionOptions connection_options);

  // Queues `wire_text` (a complete command packet) and returns the slot its reply will fill.
  // While reconnecting only `internal` commands (authentication, restore) go out.
  std::shared_ptr<ReplySlot> send_command(std::string wire_text, bool internal = false);
  // Sends "event" for the event types the library needs but the server may not send yet.
  void ensure_library_subscription(std::initializer_list<std::string_view> event_names);
  void resubscribe_library_events();
  bool application_wants(std::string_view event_name) const;
  // Ends the connection for good: every waiter fails with `kind`.
  void finish(ClientError::Kind kind, std::string reason);
  // The connection was lost: reconnects when the policy allows, else finish().
  void drop(std::string reason);
  // Takes over a socket the peer connected (outbound mode): no greeting, no authentication.
  void adopt(asio::ip::tcp::socket connected);
  void handle_message(protocol::Message message);
  void deliver_event(Event event);
  // co_spawn on the strand under the library's exception policy: a coroutine that throws (an
  // application's event handler, say) ends the connection with "<name> failed: <what>", so
  // every waiting command fails with that reason instead of waiting forever. (The daemon's
  // core/spawn.hpp logs instead; this library does not depend on core and has no log.)
  template <class Work>
  void spawn(const char* name, Work&& work) {
    asio::co_spawn(strand, std::forward<Work>(work), spawn_completion(name));
  }
  std::function<void(std::exception_ptr)> spawn_completion(const char* name);
  // finish() with "<name> failed: <what>"; on the strand.
  void fail(const char* name, const std::exception_ptr& error);
  // Fails every pending execute() on the channel of this CHANNEL_HANGUP_COMPLETE.
  void fail_executions_of(const Event& hangup_complete);

  asio::strand<asio::any_io_executor> strand;
  asio::ip::tcp::socket socket;
  // TLS (options.tls.enabled): a fresh stream over `socket` for each connection; the read loop
  // and writer hold their own reference, so a stream outlives a socket replaced under them.
  using TlsStream = asio::ssl::stream<asio::ip::tcp::socket&>;
  std::shared_ptr<asio::ssl::context> tls_context;
  std::shared_ptr<TlsStream> tls;
  ConnectionOptions options;
  protocol::MessageParser parser;
  std::atomic<Phase> phase{Phase::kIdle};
  mutable std::mutex reason_mutex;
  std::string close_reason;
  ClientError::Kind close_kind = ClientError::Kind::kDisconnected;

  std::deque<std::shared_ptr<ReplySlot>> awaiting_reply;  // oldest command first
  std::deque<std::string> outbox;
  bool writing = false;

  // Bumped whenever the socket is replaced: read loops and writes of an older socket stop.
  std::uint64_t generation = 0;
  bool ended_by_client = false;  // disconnect()/close(): no reconnection
  bool outbound = false;         // adopted socket: the switch connected to us
  std::string host;
  unsigned short port = 0;
  Credentials credentials;
  asio::steady_timer reconnect_timer;
  std::function<void(const ReconnectInfo&)> reconnect_handler;
  std::function<void(const std::string&)> disconnect_handler;  // a reconnection begins

  std::unordered_map<std::string, PendingJob> jobs;              // Job-UUID
  std::unordered_map<std::string, PendingExecution> executions;  // Application-UUID
  std::deque<Event> events;
  EventSequences sequences;  // with ReconnectPolicy::replay only
  std::shared_ptr<Slot<bool>> event_waiter;
  std::function<void(Event)> event_handler;
  std::function<void(LogLine)> log_handler;

  protocol::EventFormat format = protocol::EventFormat::kPlain;
  // The format word of `event` commands: format's name, or json-numeric (options.json_numbers).
  std::string format_word() const;
  bool application_all = false;
  std::set<std::string> application_events;  // upper-case names the application subscribed to
  SubscriptionRecord subscriptions;          // the same, as typed, for replay
  std::set<std::string> library_events;      // names the library needs for itself
  // Filters in the order they were added (the server evaluates them in that order).
  std::vector<std::pair<std::string, std::string>> application_filters;
  std::set<std::string> library_filters;  // Event-Name values filtered in for the library
  std::optional<std::string> log_level;   // last "log" level, unset after "nolog"
  // Outbound: "myevents" is on (by the application, or by the library for execute()).
  bool myevents_on = false;
  bool library_myevents = false;  // the library turned it on: those events are not handed out
  std::string controlled_uuid;    // outbound: the channel of the CHANNEL_DATA ("connect")

 private:
  void start_writer();
};

asio::awaitable<void> read_loop(std::shared_ptr<ConnectionState> state, std::uint64_t generation);

// Resolves, connects, waits for auth/request and authenticates (phase untouched). Throws
// ClientError; when the connection ended meanwhile, with its close reason.
asio::awaitable<void> establish(std::shared_ptr<ConnectionState> state);

// TLS (client_tls.cpp): the context of options.tls (built once), and the handshake of a
// freshly connected socket before `deadline`. Both throw ClientError(kConnectFailed or
// kTimeout) with the reason.
std::shared_ptr<asio::ssl::context> make_client_tls_context(const TlsOptions& tls);
asio::awaitable<void> tls_handshake(std::shared_ptr<ConnectionState> state,
                                    std::chrono::steady_clock::time_point deadline);

// Calls `done` once, on the strand, when `slot` completes or fails, or after `timeout` (zero:
// none) with ClientError::Kind::kTimeout (the reply is then dropped on arrival). Never inline.
template <class T>
void when_done(const std::shared_ptr<Slot<T>>& slot, std::chrono::milliseconds timeout,
               std::string_view what, std::function<void(Slot<T>&)> done) {
  if (slot->done) {
    asio::post(slot->timer.get_executor(), [slot, done = std::move(done)] { done(*slot); });
    return;
  }
  slot->on_done = std::move(done);
  if (timeout.count() <= 0) return;
  slot->timer.expires_after(timeout);
  slot->timer.async_wait([slot, what = std::string(what)](std::error_code) {
    if (slot->done) return;
    slot->abandoned = true;
    slot->fail(ClientError::Kind::kTimeout, "timed out waiting for " + what);
  });
}

// Waits for `slot` (zero timeout: forever). Throws ClientError on failure or timeout.
template <class T>
asio::awaitable<T> await_slot(std::shared_ptr<Slot<T>> slot, std::chrono::milliseconds timeout,
                              std::string_view what) {
  if (!slot->done) {
    if (timeout.count() > 0) slot->timer.expires_after(timeout);
    co_await slot->timer.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
  }
  if (!slot->done) {
    slot->abandoned = true;
    throw ClientError(ClientError::Kind::kTimeout, "timed out waiting for " + std::string(what));
  }
  if (slot->error) throw ClientError(slot->error_kind, *slot->error);
  co_return std::move(*slot->value);
}

Reply to_reply(protocol::Message message);

// The wait before the reconnection attempt after one that waited `current`.
std::chrono::milliseconds next_backoff(std::chrono::milliseconds current,
                                       const ReconnectPolicy& policy);

// The event types "myevents" enables (docs/wire-protocol.md §5.6).
const std::vector<std::string_view>& myevents_types();

}  // namespace es::client::detail
