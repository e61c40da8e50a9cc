// How a connection comes up, goes down and comes back: establish (connect + greeting + auth),
// adopt (outbound: the switch connected to us), drop (reconnect or end) and the reconnection
// itself, which restores filters, subscriptions and the log level before reopening.
#include <asio/co_spawn.hpp>
#include <asio/connect.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/awaitable_operators.hpp>

#include <algorithm>

#include "client/connection_state.hpp"

namespace es::client::detail {
namespace {

constexpr auto kAwait = asio::experimental::as_tuple(asio::use_awaitable);
using Kind = ClientError::Kind;

// Refusals a new attempt would only repeat.
bool is_permanent(Kind kind) {
  return kind == Kind::kAuthFailed || kind == Kind::kAccessDenied;
}

// Drops the current socket (its read loop and writes stop) and fails what waited on it.
// Returns how many commands were still waiting for a reply.
std::size_t discard_socket(ConnectionState& state, const std::string& why) {
  ++state.generation;
  std::error_code ignored;
  state.socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  state.socket.close(ignored);
  state.parser = protocol::MessageParser(protocol::ParserLimits{}, false);
  state.outbox.clear();
  std::size_t waiting = 0;
  for (auto& slot : state.awaiting_reply) {
    if (!slot->abandoned) ++waiting;
    slot->fail(Kind::kDisconnected, why);
  }
  state.awaiting_reply.clear();
  return waiting;
}

// The commands that bring a new connection to where the old one was. Filters come first so
// no unfiltered event slips in once the subscriptions are back.
std::vector<std::string> restore_commands(const ConnectionState& state) {
  std::vector<std::string> commands;
  commands.reserve(state.application_filters.size() + state.library_filters.size() + 3);
  for (const auto& [header, value] : state.application_filters) {
    commands.emplace_back("filter ").append(header).append(" ").append(value).append("\n\n");
  }
  for (const std::string& name : state.library_filters) {
    commands.push_back("filter Event-Name " + name + "\n\n");
  }
  std::string format = state.format_word();
  if (!state.subscriptions.empty()) {
    commands.push_back("event " + format + " " + state.subscriptions.words() + "\n\n");
  }
  // Separate from the application's: after its CUSTOM every word would be a subclass.
  if (!state.library_events.empty()) {
    std::string command = "event " + format;
    for (const std::string& name : state.library_events) command += " " + name;
    commands.push_back(command + "\n\n");
  }
  if (state.log_level) commands.push_back("log " + *state.log_level + "\n\n");
  return commands;
}

asio::awaitable<void> restore(std::shared_ptr<ConnectionState> state, ReconnectInfo* info) {
  std::vector<std::shared_ptr<ReplySlot>> replies;
  for (std::string& command : restore_commands(*state)) {
    replies.push_back(state->send_command(std::move(command), true));
  }
  // After the subscriptions, so the replayed events pass the same ones.
  std::vector<std::shared_ptr<ReplySlot>> replays;
  if (state->options.reconnect.replay) {
    for (const auto& [core, position] : state->sequences.positions()) {
      replays.push_back(
          state->send_command("replay " + core + " " + std::to_string(position) + "\n\n", true));
    }
  }
  // Refusals ("-ERR ...") are the server's answer to what the application asked before; only a
  // lost connection or timeout makes the attempt fail.
  for (auto& reply : replies) {
    co_await await_slot(reply, state->options.command_timeout, "a restore reply");
  }
  for (auto& reply : replays) {
    protocol::Message answer =
        co_await await_slot(reply, state->options.command_timeout, "a replay reply");
    const std::string* text = answer.header("Reply-Text");
    if (auto counts = text ? parse_replay_reply(*text) : std::nullopt) {
      info->replayed_events += counts->first;
      info->lost_events += counts->second;
    }
  }
}

void tell(ConnectionState& state, const ReconnectInfo& info) {
  if (state.reconnect_handler) state.reconnect_handler(info);
}

asio::awaitable<void> reconnect(std::shared_ptr<ConnectionState> state, ReconnectInfo info) {
  const ReconnectPolicy& policy = state->options.reconnect;
  std::chrono::milliseconds backoff = std::min(policy.initial_backoff, policy.max_backoff);
  if (policy.replay) state->sequences.mark_reconnect();
  while (state->phase == Phase::kReconnecting) {
    if (policy.max_attempts > 0 && info.attempts >= policy.max_attempts) {
      info.reconnected = false;
      state->finish(Kind::kDisconnected, "gave up reconnecting after " +
                                             std::to_string(info.attempts) +
                                             " attempts: " + info.last_error);
      tell(*state, info);
      co_return;
    }
    state->reconnect_timer.expires_after(backoff);
    co_await state->reconnect_timer.async_wait(kAwait);
    if (state->phase != Phase::kReconnecting) co_return;  // closed by the application
    ++info.attempts;
    try {
      co_await establish(state);
      co_await restore(state, &info);
    } catch (const ClientError& error) {
      if (state->phase != Phase::kReconnecting) {
        // Ended for good meanwhile: closed by the application, or refused (access denied).
        if (!state->ended_by_client) {
          info.reconnected = false;
          info.last_error = error.what();
          tell(*state, info);
        }
        co_return;
      }
      info.last_error = error.what();
      if (is_permanent(error.kind())) {
        info.reconnected = false;
        state->finish(error.kind(), error.what());
        tell(*state, info);
        co_return;
      }
      discard_socket(*state, "reconnection attempt failed: " + info.last_error);
      backoff = next_backoff(backoff, policy);
      continue;
    }
    if (state->phase != Phase::kReconnecting) co_return;
    state->phase = Phase::kOpen;
    info.reconnected = true;
    tell(*state, info);
    co_return;
  }
}

}  // namespace

std::chrono::milliseconds next_backoff(std::chrono::milliseconds current,
                                       const ReconnectPolicy& policy) {
  double scaled = static_cast<double>(current.count()) * std::max(policy.multiplier, 1.0);
  double cap = static_cast<double>(policy.max_backoff.count());
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::min(scaled, cap)));
}

asio::awaitable<void> establish(std::shared_ptr<ConnectionState> state) {
  using namespace asio::experimental::awaitable_operators;
  auto deadline = std::chrono::steady_clock::now() + state->options.connect_timeout;
  const std::string where = state->host + ":" + std::to_string(state->port);
  // The connection ended while we waited: its own reason ("access denied: ...") says it best.
  auto ended = [&](const ClientError& error) {
    if (error.kind() == Kind::kTimeout || state->phase != Phase::kClosed) return error;
    std::lock_guard lock(state->reason_mutex);
    return ClientError(state->close_kind, state->close_reason);
  };

  asio::ip::tcp::resolver resolver(state->strand);
  auto [resolve_error, endpoints] =
      co_await resolver.async_resolve(state->host, std::to_string(state->port), kAwait);
  if (resolve_error) {
    throw ClientError(Kind::kConnectFailed,
                      "cannot resolve " + state->host + ": " + resolve_error.message());
  }
  if (state->phase == Phase::kClosed) throw ended(ClientError(Kind::kDisconnected, "closed"));
  asio::steady_timer deadline_timer(state->strand, deadline);
  auto outcome = co_await (asio::async_connect(state->socket, endpoints, kAwait) ||
                           deadline_timer.async_wait(kAwait));
  if (outcome.index() == 1) {
    throw ClientError(Kind::kTimeout, "timed out connecting to " + where);
  }
  if (auto error = std::get<0>(std::get<0>(outcome)); error) {
    if (state->phase == Phase::kClosed) throw ended(ClientError(Kind::kDisconnected, "closed"));
    throw ClientError(Kind::kConnectFailed, "cannot connect to " + where + ": " + error.message());
  }
  if (state->options.tls.enabled) co_await tls_handshake(state, deadline);

  // The greeting is awaited like a reply: the first message that is not an event or notice.
  auto greeting = std::make_shared<ReplySlot>(state->strand);
  state->awaiting_reply.push_back(greeting);
  state->spawn("read loop", read_loop(state, state->generation));
  auto remaining = [&] {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    return std::max(left, std::chrono::milliseconds(1));
  };
  protocol::Message hello;
  try {
    hello = co_await await_slot(greeting, remaining(), "the auth/request greeting");
  } catch (const ClientError& error) {
    throw ended(error);
  }
  if (hello.content_type() != "auth/request") {
    throw ClientError(Kind::kAuthFailed,
                      "unexpected greeting: " + std::string(hello.content_type()));
  }

  const Credentials& credentials = state->credentials;
  std::string auth = credentials.user.empty()
                         ? "auth " + credentials.password
                         : "userauth " + credentials.user + ":" + credentials.password;
  auto reply_slot = state->send_command(auth + "\n\n", true);
  protocol::Message reply;
  try {
    reply = co_await await_slot(reply_slot, remaining(), "the authentication reply");
  } catch (const ClientError& error) {
    throw ended(error);
  }
  const std::string* text = reply.header("Reply-Text");
  if (!text || !text->starts_with("+OK")) {
    throw ClientError(Kind::kAuthFailed, "authentication failed: " +
                                             (!text || text->empty() ? "no reply text" : *text));
  }
}

void ConnectionState::adopt(asio::ip::tcp::socket connected) {
  std::error_code ec;
  auto protocol = connected.local_endpoint(ec).protocol();
  if (ec) {
    finish(Kind::kDisconnected, "the accepted socket is unusable: " + ec.message());
    return;
  }
  socket.assign(protocol, connected.release(), ec);
  if (ec) {
    finish(Kind::kDisconnected, "cannot take over the accepted socket: " + ec.message());
    return;
  }
  outbound = true;
  phase = Phase::kOpen;
  spawn("read loop", read_loop(shared_from_this(), generation));
}

void ConnectionState::drop(std::string reason) {
  if (phase == Phase::kReconnecting) {
    // An attempt lost its socket: the reconnection sees its waiters fail and tries again.
    discard_socket(*this, "connection dropped while reconnecting: " + reason);
    return;
  }
  if (phase != Phase::kOpen || !options.reconnect.enabled || ended_by_client || outbound) {
    finish(Kind::kDisconnected, std::move(reason));
    return;
  }
  phase = Phase::kReconnecting;
  {
    std::lock_guard lock(reason_mutex);
    close_reason = reason;
    close_kind = Kind::kDisconnected;
  }
  ReconnectInfo info;
  info.reason = reason;
  std::string why = "connection dropped: " + reason;
  info.failed_commands = discard_socket(*this, why);
  for (auto& [uuid, job] : jobs) {
    info.lost_jobs.push_back({uuid, job.command});
    std::string lost = "background job " + uuid;
    lost.append(" (").append(job.command).append(") lost: ").append(why);
    job.slot->fail(Kind::kDisconnected, std::move(lost));
  }
  jobs.clear();
  // A bgapi still waiting for its "+OK Job-UUID" reply is lost as well: that reply failed above.
  for (auto& [uuid, execution] : executions) execution.slot->fail(Kind::kDisconnected, why);
  executions.clear();
  if (disconnect_handler) disconnect_handler(info.reason);
  spawn("reconnection", reconnect(shared_from_this(), std::move(info)));
}

}  // namespace es::client::detail
