#include "client/connection.hpp"

#include <asio/co_spawn.hpp>
#include <asio/connect.hpp>
#include <asio/defer.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>

#include "client/connection_state.hpp"
#include "protocol/header_fields.hpp"
#include "protocol/uuid.hpp"

namespace es::client {
namespace {

using detail::ConnectionState;
using detail::Phase;
using detail::ReplySlot;
using detail::Slot;
using StatePtr = std::shared_ptr<ConnectionState>;
constexpr auto kAwait = asio::experimental::as_tuple(asio::use_awaitable);

using detail::await_slot;

using detail::to_reply;

asio::awaitable<Reply> run_command(StatePtr state, std::string wire_text) {
  auto slot = state->send_command(std::move(wire_text));
  co_return to_reply(co_await await_slot(slot, state->options.command_timeout, "a reply"));
}

bool has_line_break(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}

std::string packet(std::string first_line, const std::vector<Header>& headers,
                   std::string_view body) {
  std::string text = std::move(first_line);
  text += '\n';
  for (const Header& header : headers) {
    text += header.name;
    text += ": ";
    text += header.value;
    text += '\n';
  }
  if (!body.empty()) {
    text += "Content-Length: " + std::to_string(body.size()) + "\n\n";
    text += body;
  } else {
    text += '\n';
  }
  return text;
}

asio::awaitable<void> do_connect(StatePtr state, std::string host, unsigned short port,
                                 Credentials credentials) {
  if (state->phase != Phase::kIdle) {
    throw ClientError(ClientError::Kind::kNotConnected, "connect() may be called once");
  }
  state->phase = Phase::kConnecting;
  state->host = std::move(host);
  state->port = port;
  state->credentials = std::move(credentials);
  try {
    co_await detail::establish(state);
  } catch (const ClientError& error) {
    state->finish(error.kind(), error.what());
    throw;
  }
  if (state->phase != Phase::kConnecting) {
    std::lock_guard lock(state->reason_mutex);
    throw ClientError(state->close_kind, state->close_reason);
  }
  state->phase = Phase::kOpen;
}

// Subscription and filter changes are refused while reconnecting: the restore sends what was
// recorded before the drop, and a change in between would be half applied.
void refuse_while_reconnecting(const StatePtr& state) {
  if (state->phase == Phase::kReconnecting) {
    throw ClientError(ClientError::Kind::kDisconnected,
                      "the connection dropped and is reconnecting");
  }
}

asio::awaitable<BackgroundJob> do_bgapi(StatePtr state, std::string command, std::string job_uuid) {
  if (job_uuid.empty()) job_uuid = make_uuid();
  auto job = std::make_shared<Slot<BackgroundJob>>(state->strand);
  if (state->phase == Phase::kOpen) {
    state->ensure_library_subscription({"BACKGROUND_JOB"});
    state->jobs[job_uuid] = {job, command};
  }
  Reply reply;
  try {
    reply = co_await run_command(state, "bgapi " + command + "\nJob-UUID: " + job_uuid + "\n\n");
  } catch (const ClientError& error) {
    state->jobs.erase(job_uuid);
    if (error.kind() != ClientError::Kind::kDisconnected) throw;
    throw ClientError(error.kind(),
                      "background job " + job_uuid + " (" + command + ") lost: " + error.what());
  }
  if (!reply.ok()) {
    state->jobs.erase(job_uuid);
    throw ClientError(ClientError::Kind::kCommandRejected, "bgapi refused: " + reply.text);
  }
  co_return co_await await_slot(job, std::chrono::milliseconds::zero(), "the background job");
}

asio::awaitable<Event> do_execute(StatePtr state, std::string uuid, std::string app,
                                  std::string arg, bool event_lock) {
  std::string app_uuid = make_uuid();
  auto done = std::make_shared<Slot<Event>>(state->strand);
  if (state->phase == Phase::kOpen) {
    state->ensure_library_subscription({"CHANNEL_EXECUTE_COMPLETE", "CHANNEL_HANGUP_COMPLETE"});
    std::string channel = uuid.empty() ? state->controlled_uuid : uuid;
    state->executions[app_uuid] = detail::PendingExecution{done, std::move(channel)};
  }
  std::vector<Header> headers{{"call-command", "execute"}, {"execute-app-name", app}};
  std::string body;
  if (has_line_break(arg)) {
    // A header cannot carry line breaks; the server takes a text/plain body as the argument.
    headers.push_back({"content-type", "text/plain"});
    body = std::move(arg);
  } else if (!arg.empty()) {
    headers.push_back({"execute-app-arg", arg});
  }
  if (event_lock) headers.push_back({"event-lock", "true"});
  headers.push_back({"Event-UUID", app_uuid});
  Reply reply;
  // Built before the co_await: GCC mishandles a conditional's temporaries inside one.
  std::string wire = packet(uuid.empty() ? "sendmsg" : "sendmsg " + uuid, headers, body);
  try {
    reply = co_await run_command(state, std::move(wire));
  } catch (...) {
    state->executions.erase(app_uuid);
    throw;
  }
  if (!reply.ok()) {
    state->executions.erase(app_uuid);
    throw ClientError(ClientError::Kind::kCommandRejected, "execute refused: " + reply.text);
  }
  try {
    co_return co_await await_slot(done, state->options.command_timeout, "the execute completion");
  } catch (const ClientError&) {
    state->executions.erase(app_uuid);  // a timeout leaves it registered
    throw;
  }
}

std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    if (end > pos) {
      std::string word(text.substr(pos, end - pos));
      for (char& c : word) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
      }
      words.push_back(std::move(word));
    }
    pos = end + 1;
  }
  return words;
}

asio::awaitable<Reply> do_subscribe(StatePtr state, protocol::EventFormat format,
                                    std::string events) {
  refuse_while_reconnecting(state);
  state->format = format;
  state->subscriptions.add(events);
  for (std::string& word : words_of(events)) {
    if (word == "ALL") state->application_all = true;
    state->application_events.insert(std::move(word));
  }
  co_return co_await run_command(state, "event " + state->format_word() + " " + events + "\n\n");
}

asio::awaitable<Reply> do_unsubscribe(StatePtr state, std::string events, bool everything) {
  refuse_while_reconnecting(state);
  if (everything) {
    state->application_all = false;
    state->application_events.clear();
    state->subscriptions = {};
  } else {
    state->subscriptions.remove(events);
    for (const std::string& word : words_of(events)) {
      if (word == "ALL") {
        state->application_all = false;
        state->application_events.clear();
      }
      state->application_events.erase(word);
    }
  }
  auto slot = state->send_command(everything ? "noevents\n\n" : "nixevent " + events + "\n\n");
  // The library's own subscriptions may have gone with the application's: send them again.
  state->resubscribe_library_events();
  co_return to_reply(co_await await_slot(slot, state->options.command_timeout, "a reply"));
}

asio::awaitable<Reply> do_filter(StatePtr state, std::string header, std::string value) {
  refuse_while_reconnecting(state);
  bool first = state->application_filters.empty();
  state->application_filters.emplace_back(header, value);
  auto slot = state->send_command("filter " + header + " " + value + "\n\n");
  if (first) {
    for (const std::string& name : state->library_events) {
      if (state->library_filters.insert(name).second) {
        state->send_command("filter Event-Name " + name + "\n\n")->abandoned = true;
      }
    }
  }
  co_return to_reply(co_await await_slot(slot, state->options.command_timeout, "a reply"));
}

asio::awaitable<Reply> do_filter_delete(StatePtr state, std::string header, std::string value) {
  refuse_while_reconnecting(state);
  auto& filters = state->application_filters;
  if (value.empty() && protocol::iequals(header, "all")) {
    filters.clear();
    state->library_filters.clear();  // the server drops them too
  } else {
    std::erase_if(filters, [&](const auto& filter) {
      return filter.first == header && (value.empty() || filter.second == value);
    });
  }
  std::string command = "filter delete " + header;
  if (!value.empty()) command += " " + value;
  auto slot = state->send_command(command + "\n\n");
  if (filters.empty()) {
    // Left alone, the library's filters would keep restricting the application's events.
    for (const std::string& name : state->library_filters) {
      state->send_command("filter delete Event-Name " + name + "\n\n")->abandoned = true;
    }
    state->library_filters.clear();
  }
  co_return to_reply(co_await await_slot(slot, state->options.command_timeout, "a reply"));
}

asio::awaitable<Reply> do_log(StatePtr state, std::optional<std::string> level) {
  refuse_while_reconnecting(state);
  std::string command = level ? "log " + *level + "\n\n" : "nolog\n\n";
  auto slot = state->send_command(std::move(command));
  Reply reply = to_reply(co_await await_slot(slot, state->options.command_timeout, "a reply"));
  // Only a level the server took is restored after a reconnection.
  if (reply.ok() || !level) state->log_level = std::move(level);
  co_return reply;
}

asio::awaitable<std::optional<Event>> do_next_event(StatePtr state,
                                                    std::chrono::milliseconds timeout) {
  // With a handler set nothing is queued: the wait lasts until the connection ends.
  if (state->events.empty() && state->phase != Phase::kClosed) {
    auto waiter = std::make_shared<Slot<bool>>(state->strand);
    if (state->event_waiter) state->event_waiter->complete(false);  // one reader at a time
    state->event_waiter = waiter;
    if (timeout.count() > 0) waiter->timer.expires_after(timeout);
    co_await waiter->timer.async_wait(kAwait);
    if (state->event_waiter == waiter) state->event_waiter = nullptr;
  }
  if (state->events.empty()) co_return std::nullopt;
  Event event = std::move(state->events.front());
  state->events.pop_front();
  co_return event;
}

// Runs `work` on the connection's strand and resumes the caller on its own executor.
template <class T>
asio::awaitable<T> on_strand(const StatePtr& state, asio::awaitable<T> work) {
  return asio::co_spawn(state->strand, std::move(work), asio::use_awaitable);
}

}  // namespace

int LogLine::level() const {
  const std::string* value = protocol::find_header(headers, "Log-Level");
  return value ? static_cast<int>(protocol::parse_c_integer(*value)) : -1;
}

std::string make_uuid() {
  return protocol::make_uuid();
}

Connection::Connection(const asio::any_io_executor& executor)
    : state_(std::make_shared<ConnectionState>(executor, ConnectionOptions{})) {}

Connection::Connection(const asio::any_io_executor& executor, ConnectionOptions options)
    : state_(std::make_shared<ConnectionState>(executor, std::move(options))) {}

Connection::~Connection() {
  close();
}

asio::any_io_executor Connection::executor() const {
  return state_->strand;
}

asio::awaitable<void> Connection::connect(std::string host, unsigned short port,
                                          Credentials credentials) {
  return on_strand(state_, do_connect(state_, std::move(host), port, std::move(credentials)));
}

asio::awaitable<void> Connection::disconnect() {
  auto exit = [](StatePtr state) -> asio::awaitable<void> {
    state->ended_by_client = true;
    if (state->phase == Phase::kReconnecting) {
      state->finish(ClientError::Kind::kDisconnected, "disconnected by the client");
    }
    if (state->phase != Phase::kOpen) co_return;
    try {
      co_await run_command(state, "exit\n\n");
    } catch (const ClientError&) {
      // Already gone: that is what was asked for.
    }
    // The server follows the reply with its goodbye notice and closes; the read loop ends then.
    state->finish(ClientError::Kind::kDisconnected, "disconnected by the client");
  };
  return on_strand(state_, exit(state_));
}

void Connection::close() {
  asio::post(state_->strand, [state = state_] {
    state->ended_by_client = true;
    state->finish(ClientError::Kind::kDisconnected, "closed by the client");
  });
}

bool Connection::is_open() const {
  return state_->phase == Phase::kOpen;
}

std::string Connection::close_reason() const {
  std::lock_guard lock(state_->reason_mutex);
  return state_->close_reason;
}

asio::awaitable<Reply> Connection::command(std::string text) {
  return on_strand(state_, run_command(state_, std::move(text)));
}

asio::awaitable<std::string> Connection::api(std::string command, ApiOptions options) {
  auto run = [](StatePtr state, std::string text,
                ApiOptions options) -> asio::awaitable<std::string> {
    auto slot = state->send_command(
        "api " + text + (options.console_execute ? "\nconsole_execute: true" : "") + "\n\n");
    if (options.on_reply) {
      slot->on_arrival = [on_reply = std::move(options.on_reply)](const protocol::Message& reply) {
        on_reply(reply.body);
      };
    }
    protocol::Message response =
        co_await await_slot(slot, state->options.command_timeout, "the api response");
    co_return std::move(response.body);
  };
  return on_strand(state_, run(state_, std::move(command), std::move(options)));
}

void Connection::api_async(const std::string& command, ApiCallback done) {
  // Deferred, not posted: called from an event loop thread, the command goes out from that
  // same thread once its handler returns, instead of waking another thread to send it.
  asio::defer(state_->strand,
              [state = state_, text = "api " + command + "\n\n", done = std::move(done)]() mutable {
                detail::when_done<protocol::Message>(
                    state->send_command(std::move(text)), state->options.command_timeout,
                    "the api response", [done = std::move(done)](ReplySlot& slot) {
                      if (slot.value) {
                        done(std::move(slot.value->body), std::string());
                      } else {
                        done(std::string(), slot.error.value_or("no reply"));
                      }
                    });
              });
}

asio::awaitable<BackgroundJob> Connection::bgapi(std::string command, std::string job_uuid) {
  return on_strand(state_, do_bgapi(state_, std::move(command), std::move(job_uuid)));
}

asio::awaitable<Reply> Connection::subscribe(protocol::EventFormat format, std::string events) {
  return on_strand(state_, do_subscribe(state_, format, std::move(events)));
}

asio::awaitable<Reply> Connection::unsubscribe(std::string events) {
  return on_strand(state_, do_unsubscribe(state_, std::move(events), false));
}

asio::awaitable<Reply> Connection::unsubscribe_all() {
  return on_strand(state_, do_unsubscribe(state_, {}, true));
}

asio::awaitable<Reply> Connection::filter(std::string header, std::string value) {
  return on_strand(state_, do_filter(state_, std::move(header), std::move(value)));
}

asio::awaitable<Reply> Connection::filter_delete(std::string header, std::string value) {
  return on_strand(state_, do_filter_delete(state_, std::move(header), std::move(value)));
}

asio::awaitable<Reply> Connection::log(std::string level) {
  return on_strand(state_, do_log(state_, std::move(level)));
}

asio::awaitable<Reply> Connection::nolog() {
  return on_strand(state_, do_log(state_, std::nullopt));
}

// By value like the rest of this awaitable API (safe should it become a coroutine).
// NOLINTBEGIN(performance-unnecessary-value-param)
asio::awaitable<Reply> Connection::sendevent(std::string name, std::vector<Header> headers,
                                             std::string body) {
  return command(packet("sendevent " + name, headers, body));
}

asio::awaitable<Reply> Connection::replay(std::string core_uuid, std::uint64_t after) {
  return command("replay " + core_uuid + " " + std::to_string(after) + "\n\n");
}

asio::awaitable<Reply> Connection::sendmsg(std::string uuid, std::vector<Header> headers,
                                           std::string body) {
  return command(packet(uuid.empty() ? "sendmsg" : "sendmsg " + uuid, headers, body));
}
// NOLINTEND(performance-unnecessary-value-param)

asio::awaitable<Event> Connection::execute(std::string uuid, std::string app, std::string arg,
                                           bool event_lock) {
  return on_strand(state_,
                   do_execute(state_, std::move(uuid), std::move(app), std::move(arg), event_lock));
}

void Connection::set_event_handler(std::function<void(Event)> handler) {
  asio::post(state_->strand, [state = state_, handler = std::move(handler)]() mutable {
    state->event_handler = std::move(handler);
    // Events queued before the handler was set are handed to it first, keeping their order.
    try {
      while (state->event_handler && !state->events.empty()) {
        Event event = std::move(state->events.front());
        state->events.pop_front();
        state->event_handler(std::move(event));
      }
    } catch (...) {
      state->fail("event handler", std::current_exception());
    }
  });
}

asio::awaitable<std::optional<Event>> Connection::next_event(std::chrono::milliseconds timeout) {
  return on_strand(state_, do_next_event(state_, timeout));
}

void Connection::set_log_handler(std::function<void(LogLine)> handler) {
  asio::post(state_->strand, [state = state_, handler = std::move(handler)]() mutable {
    state->log_handler = std::move(handler);
  });
}

void Connection::set_reconnect_handler(std::function<void(const ReconnectInfo&)> handler) {
  asio::post(state_->strand, [state = state_, handler = std::move(handler)]() mutable {
    state->reconnect_handler = std::move(handler);
  });
}

void Connection::set_disconnect_handler(std::function<void(const std::string&)> handler) {
  asio::post(state_->strand, [state = state_, handler = std::move(handler)]() mutable {
    state->disconnect_handler = std::move(handler);
  });
}

}  // namespace es::client
