// Inbound event socket client (asynchronous, Asio C++20 coroutines).
//
//   asio::io_context io;
//   asio::co_spawn(io, [&]() -> asio::awaitable<void> {
//     es::client::Connection conn(io.get_executor());
//     co_await conn.connect("127.0.0.1", 8021, es::client::Credentials::password_only("ClueCon"));
//     std::string status = co_await conn.api("status");
//     auto job = co_await conn.bgapi("originate null/1 &park()");   // waits for BACKGROUND_JOB
//     co_await conn.subscribe(es::protocol::EventFormat::kPlain, "CHANNEL_ANSWER");
//     while (auto event = co_await conn.next_event()) { ... }
//   }, asio::detached);
//   io.run();
//
// Ordering guarantees. The server answers every command with exactly one reply (command/reply or
// api/response), in command order. The connection keeps a FIFO of commands awaiting replies and
// hands each reply to the oldest one; events, log lines and notices are never taken for replies,
// and events reach the application in the order they arrived.
//
// Library-owned subscriptions. bgapi() needs BACKGROUND_JOB events and execute() needs
// CHANNEL_EXECUTE_COMPLETE; the connection subscribes to them itself when first needed (and again
// after any unsubscribe) and passes them on to the application only when the application
// subscribed to them (or to ALL). Filters set with filter() also apply to these events: the
// connection adds "Event-Name" filters for the types it needs while any filter is active.
//
// Errors. Every awaitable throws ClientError when the connection cannot do its job: connect or
// authentication failure, access denied, timeout, or the connection ended (disconnect notice or
// socket closed) while the command was pending. A "-ERR" reply is not an error for commands
// returning a Reply (check Reply::ok()); bgapi() and execute() throw on it, as no job or
// application will run.
//
// Reconnection (ConnectionOptions::reconnect). When the connection drops, every command
// awaiting a reply and every bgapi()/execute() in flight fails with ClientError(kDisconnected)
// (a lost bgapi names its Job-UUID); commands issued while reconnecting fail the same way. The
// connection then reconnects with backoff, authenticates again and restores, in this order, the
// filters, the application's subscriptions (with the last format), the library's own
// subscriptions and the log level; then is_open() is true again, the reconnect handler runs and
// events flow as before. next_event() keeps waiting through a reconnection.
//
// Threading. All state lives on a strand of the executor given to the constructor; the public
// awaitables may be awaited from any coroutine (they hop to the strand and back). Handlers set
// with set_event_handler() / set_log_handler() run on that strand.
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "client/event.hpp"
#include "protocol/frames.hpp"

namespace es::client {

class ClientError : public std::runtime_error {
 public:
  enum class Kind {
    kConnectFailed,    // TCP connection (or name resolution) failed
    kAccessDenied,     // text/rude-rejection: the server's ACL refused us
    kAuthFailed,       // auth/userauth was answered with something other than +OK
    kTimeout,          // no reply / no connection within the configured time
    kDisconnected,     // the connection ended while the operation was pending
    kCommandRejected,  // bgapi/execute answered with -ERR
    kChannelHungUp,    // execute: the channel hung up without completing the application
    kNotConnected,     // used before connect() succeeded or after close()
  };
  ClientError(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

struct Credentials {
  std::string user;  // empty: plain "auth <password>"; else "userauth <user>:<password>"
  std::string password;
  static Credentials password_only(std::string password) { return {{}, std::move(password)}; }
  // `user` is "user@domain".
  static Credentials directory_user(std::string user, std::string password) {
    return {std::move(user), std::move(password)};
  }
};

// Reconnection after the connection dropped (socket closed or disconnect notice; never after the
// application's own disconnect() or close(), an access denial or a failed authentication).
// Attempt n waits initial_backoff * multiplier^(n-1), at most max_backoff, before connecting.
struct ReconnectPolicy {
  bool enabled = false;
  std::chrono::milliseconds initial_backoff{500};
  std::chrono::milliseconds max_backoff{30000};
  double multiplier = 2.0;
  int max_attempts = 0;  // zero: try forever
  // After reconnecting, ask for the events missed meanwhile (`replay <Core-UUID> <sequence>`,
  // the extension of eventswitch in gateway mode, docs/gateway.md) for each switch the
  // connection had events from, and drop the events then received twice. A server without the
  // extension answers -ERR, which is ignored.
  bool replay = false;
};

// TLS to a server's TLS listener (eventswitch's tls-listen-port). The server's certificate is
// checked against `ca_file` (or the system's trust store) and must name the host connected to
// (or `server_name`); a failure throws ClientError(kConnectFailed) naming the reason.
struct TlsOptions {
  bool enabled = false;
  std::string ca_file;      // PEM CAs to trust; empty: the system's default trust store
  std::string cert_file;    // PEM client certificate (servers with tls-verify-client); optional
  std::string key_file;     // PEM key of cert_file; empty: inside cert_file
  std::string server_name;  // name the certificate must carry; empty: the host connected to
  bool verify = true;       // false accepts any certificate (tests, trusted networks only)
};

struct ConnectionOptions {
  std::chrono::milliseconds connect_timeout{5000};  // TCP connect + TLS + greeting + auth
  // Longest wait for a command's reply; zero waits forever. An api command runs synchronously in
  // the server, so long-running ones need a generous value (or bgapi).
  std::chrono::milliseconds command_timeout{30000};
  ReconnectPolicy reconnect;
  TlsOptions tls;
  // JSON subscriptions ask for number-like header values as JSON numbers (`event json-numeric`,
  // an eventswitch extension, docs/event-formats.md §4.5). Event headers still hold text: a
  // number reads back as the digits sent. FreeSWITCH skips the word and sends plain events,
  // which the library reads as well.
  bool json_numbers = false;
};

// A bgapi job that was running when the connection dropped: its BACKGROUND_JOB is lost.
struct LostJob {
  std::string uuid;     // Job-UUID
  std::string command;  // as given to bgapi()
};

// What the reconnect handler is told.
struct ReconnectInfo {
  bool reconnected = false;  // false: gave up (max_attempts, or refused); the connection ended
  int attempts = 0;          // connection attempts made, the successful one included
  std::string reason;        // why the connection dropped
  std::string last_error;    // why the last failed attempt failed (empty when the first worked)
  std::vector<LostJob> lost_jobs;  // their bgapi() awaitables threw ClientError(kDisconnected)
  // Commands that were awaiting a reply (a bgapi awaiting its "+OK Job-UUID" included); they
  // failed with kDisconnected.
  std::size_t failed_commands = 0;
  // With ReconnectPolicy::replay: events the server replayed, and events it no longer held.
  std::uint64_t replayed_events = 0;
  std::uint64_t lost_events = 0;
};

// How api() sends a command and hands its reply back.
struct ApiOptions {
  // Adds the `console_execute: true` header, as fs_cli does for what the user types: the switch
  // runs the line as its console would (`;;` separates commands, aliases expand).
  bool console_execute = false;
  // Called with the reply body on the connection's strand when the reply arrives, before the
  // event handler sees any event received after it: output printed here keeps the wire's order
  // of replies and events. Must not throw.
  std::function<void(const std::string& body)> on_reply;
};

// The reply to a non-api command (command/reply).
struct Reply {
  std::string text;             // Reply-Text: "+OK accepted", "-ERR invalid"...
  std::vector<Header> headers;  // every header of the reply, Content-Type included
  bool ok() const { return text.starts_with("+OK"); }
  const std::string* header(std::string_view name) const {
    return protocol::find_header(headers, name);
  }
};

struct BackgroundJob {
  std::string uuid;  // Job-UUID
  std::string body;  // the command's output
  Event event;       // the whole BACKGROUND_JOB event
};

struct LogLine {
  std::vector<Header> headers;  // Log-Level, Text-Channel, Log-File, Log-Func, Log-Line, User-Data
  std::string text;
  int level() const;  // Log-Level as a number, -1 when absent
};

namespace detail {
class ConnectionState;
}
class OutboundSession;

class Connection {
 public:
  // Two constructors, not a defaulted argument: GCC 12 hoists a defaulted ConnectionOptions
  // temporary of `Connection c(co_await this_coro::executor)` into the caller's coroutine frame
  // without fixing its strings' short-buffer pointers, and the options later free a pointer
  // into that frame (examples/dialer aborted with free(): invalid pointer).
  explicit Connection(const asio::any_io_executor& executor);
  Connection(const asio::any_io_executor& executor, ConnectionOptions options);
  // Closes the socket; pending awaitables complete with ClientError(kDisconnected).
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Connects, waits for auth/request, authenticates. Throws ClientError (kConnectFailed,
  // kAccessDenied, kAuthFailed, kTimeout, kDisconnected).
  asio::awaitable<void> connect(std::string host, unsigned short port, Credentials credentials);
  // Sends "exit" and waits for the server to close; never throws.
  asio::awaitable<void> disconnect();
  // Closes the socket at once (and stops reconnecting).
  void close();
  // True between a successful connect() and the end of the connection (false while
  // reconnecting).
  bool is_open() const;
  // Why the connection ended: the disconnect notice's text, "access denied", a socket error...
  std::string close_reason() const;

  // "api <command>": the api/response body.
  asio::awaitable<std::string> api(std::string command, ApiOptions options = {});
  // The same for a caller that is not a coroutine (a proxy relaying replies): `done` runs once
  // on the connection's strand, never inline, as soon as the reply is parsed, with the body and
  // an empty error, or with the error (the awaitable's ClientError text) and an empty body.
  // Spares the two coroutine resumptions the awaitable costs on each side of a round trip.
  // (Its own name: beside api()'s designated-initializer options, an overload trips clang.)
  using ApiCallback = std::function<void(std::string body, std::string error)>;
  void api_async(const std::string& command, ApiCallback done);
  // "bgapi <command>" with `job_uuid` (generated when empty); completes with the BACKGROUND_JOB.
  asio::awaitable<BackgroundJob> bgapi(std::string command, std::string job_uuid = {});

  // "event <format> <events>" (events: space-separated names, "CUSTOM sub::class", or "ALL").
  asio::awaitable<Reply> subscribe(protocol::EventFormat format, std::string events);
  // "nixevent <events>".
  asio::awaitable<Reply> unsubscribe(std::string events);
  // "noevents": drops every subscription of the application.
  asio::awaitable<Reply> unsubscribe_all();
  asio::awaitable<Reply> filter(std::string header, std::string value);
  // "filter delete <header> [<value>]" (empty value: every filter on the header).
  asio::awaitable<Reply> filter_delete(std::string header, std::string value = {});
  // "log <level>" / "nolog": log lines go to the log handler.
  asio::awaitable<Reply> log(std::string level);
  asio::awaitable<Reply> nolog();

  // "sendevent <name>" with `headers` (sent as they are: values must not contain line breaks) and
  // an optional body. The reply text is "+OK <Event-UUID>".
  asio::awaitable<Reply> sendevent(std::string name, std::vector<Header> headers,
                                   std::string body = {});
  // "replay <core_uuid> <after>": a gateway's events of that switch after that sequence
  // (docs/gateway.md); the reply text is "+OK replayed N lost K" (parse_replay_reply).
  asio::awaitable<Reply> replay(std::string core_uuid, std::uint64_t after);
  // "sendmsg <uuid>" with `headers` and optional body.
  asio::awaitable<Reply> sendmsg(std::string uuid, std::vector<Header> headers,
                                 std::string body = {});
  // Runs application `app` on channel `uuid` and completes with its CHANNEL_EXECUTE_COMPLETE
  // (matched by the Application-UUID the connection chose). Throws kCommandRejected on -ERR,
  // kChannelHungUp when the channel's CHANNEL_HANGUP_COMPLETE comes first (an unknown
  // application: the switch logs "Invalid Application" and hangs up without completing it), and
  // kTimeout when the completion takes longer than ConnectionOptions::command_timeout.
  asio::awaitable<Event> execute(std::string uuid, std::string app, std::string arg = {},
                                 bool event_lock = true);

  // Events go to `handler` (on the connection's strand, in arrival order) instead of the queue
  // read by next_event(). Set it before subscribing; an empty function restores the queue.
  // A handler that throws ends the connection (close_reason() says so).
  void set_event_handler(std::function<void(Event)> handler);
  // The next queued event; nullopt when `timeout` (zero: none) passed or the connection ended.
  // With an event handler set no event is queued, so this only tells of the end (or timeout).
  asio::awaitable<std::optional<Event>> next_event(
      std::chrono::milliseconds timeout = std::chrono::milliseconds::zero());
  // log/data messages go to `handler`; without one they are dropped.
  void set_log_handler(std::function<void(LogLine)> handler);
  // Runs (on the strand) when a reconnection succeeded, after the restore, or when it gave up.
  void set_reconnect_handler(std::function<void(const ReconnectInfo&)> handler);
  // Runs (on the strand) when the connection drops and a reconnection begins, with the reason,
  // before the first attempt: an application can tell its user at once (escli -R does), where
  // the reconnect handler only speaks when the reconnection ends.
  void set_disconnect_handler(std::function<void(const std::string& reason)> handler);

  asio::any_io_executor executor() const;

 private:
  friend class OutboundSession;  // adopts a socket the switch connected (outbound mode)

  asio::awaitable<Reply> command(std::string text);
  std::shared_ptr<detail::ConnectionState> state_;
};

// A fresh random (version 4) UUID in the usual 8-4-4-4-12 lowercase form, from the kernel's
// CSPRNG (getrandom).
std::string make_uuid();

}  // namespace es::client
