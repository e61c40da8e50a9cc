#include "client/connection_state.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <algorithm>
#include <array>
#include <tuple>
#include <utility>

#include "protocol/header_fields.hpp"

namespace es::client::detail {
namespace {

constexpr auto kAwait = asio::experimental::as_tuple(asio::use_awaitable);

std::string upper(std::string_view word) {
  std::string out(word);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return out;
}

std::string trim_trailing_newlines(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    if (end > pos) words.emplace_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return words;
}

}  // namespace

void SubscriptionRecord::add(std::string_view events) {
  bool after_custom = false;
  for (std::string& word : split_words(events)) {
    if (after_custom) {
      if (std::find(subclasses.begin(), subclasses.end(), word) == subclasses.end()) {
        subclasses.push_back(std::move(word));
      }
    } else if (protocol::iequals(word, "CUSTOM")) {
      custom = after_custom = true;
    } else if (std::none_of(names.begin(), names.end(), [&](const std::string& name) {
                 return protocol::iequals(name, word);
               })) {
      names.push_back(std::move(word));
    }
  }
}

void SubscriptionRecord::remove(std::string_view events) {
  bool after_custom = false;
  for (const std::string& word : split_words(events)) {
    if (after_custom) {
      std::erase(subclasses, word);
    } else if (protocol::iequals(word, "CUSTOM")) {
      after_custom = true;  // the CUSTOM type itself stays (docs/wire-protocol.md §5.16)
    } else if (protocol::iequals(word, "ALL")) {
      names.clear();
      custom = false;
    } else {
      std::erase_if(names, [&](const std::string& name) { return protocol::iequals(name, word); });
    }
  }
}

std::string SubscriptionRecord::words() const {
  std::string out;
  for (const std::string& name : names) {
    if (!out.empty()) out += ' ';
    out += name;
  }
  if (custom) {
    if (!out.empty()) out += ' ';
    out += "CUSTOM";
    for (const std::string& subclass : subclasses) out += " " + subclass;
  }
  return out;
}

Reply to_reply(protocol::Message message) {
  Reply reply;
  if (const std::string* text = message.header("Reply-Text")) reply.text = *text;
  reply.headers = std::move(message.headers);
  return reply;
}

const std::vector<std::string_view>& myevents_types() {
  static const std::vector<std::string_view> kTypes = {"CHANNEL_ANSWER",
                                                       "CHANNEL_APPLICATION",
                                                       "CHANNEL_BRIDGE",
                                                       "CHANNEL_CREATE",
                                                       "CHANNEL_DATA",
                                                       "CHANNEL_DESTROY",
                                                       "CHANNEL_EXECUTE",
                                                       "CHANNEL_EXECUTE_COMPLETE",
                                                       "CHANNEL_HANGUP",
                                                       "CHANNEL_HANGUP_COMPLETE",
                                                       "CHANNEL_ORIGINATE",
                                                       "CHANNEL_UUID",
                                                       "CHANNEL_OUTGOING",
                                                       "CHANNEL_PARK",
                                                       "CHANNEL_PROGRESS",
                                                       "CHANNEL_PROGRESS_MEDIA",
                                                       "CHANNEL_STATE",
                                                       "CHANNEL_UNBRIDGE",
                                                       "CHANNEL_UNPARK",
                                                       "DETECTED_SPEECH",
                                                       "DTMF",
                                                       "NOTALK",
                                                       "TALK"};
  return kTypes;
}

ConnectionState::ConnectionState(const asio::any_io_executor& executor,
                                 ConnectionOptions connection_options)
    : strand(asio::make_strand(executor)),
      socket(strand),
      options(std::move(connection_options)),
      parser(protocol::ParserLimits{}, false),
      reconnect_timer(strand) {}

std::string ConnectionState::format_word() const {
  if (format == protocol::EventFormat::kJson && options.json_numbers) return "json-numeric";
  return std::string(protocol::format_name(format));
}

std::shared_ptr<ReplySlot> ConnectionState::send_command(std::string wire_text, bool internal) {
  auto slot = std::make_shared<ReplySlot>(strand);
  if (phase == Phase::kClosed || phase == Phase::kIdle) {
    std::lock_guard lock(reason_mutex);
    slot->fail(ClientError::Kind::kNotConnected,
               close_reason.empty() ? "not connected" : "connection closed: " + close_reason);
    return slot;
  }
  if (phase == Phase::kReconnecting && !internal) {
    slot->fail(ClientError::Kind::kDisconnected, "the connection dropped and is reconnecting");
    return slot;
  }
  awaiting_reply.push_back(slot);
  outbox.push_back(std::move(wire_text));
  start_writer();
  return slot;
}

void ConnectionState::start_writer() {
  if (writing) return;
  writing = true;
  spawn("writer", [self = shared_from_this()]() -> asio::awaitable<void> {
    while (!self->outbox.empty() && self->phase != Phase::kClosed) {
      // Everything queued so far goes out in one write; order is queue order.
      std::string batch;
      for (const std::string& packet : self->outbox) batch += packet;
      self->outbox.clear();
      std::uint64_t generation = self->generation;
      std::shared_ptr<TlsStream> tls = self->tls;
      // Not `tls ? co_await ... : co_await ...`: GCC 12 miscompiles a co_await inside ?:
      // (a corrupted frame, freed with an invalid pointer).
      std::error_code ec;
      if (tls) {
        std::tie(ec, std::ignore) = co_await asio::async_write(*tls, asio::buffer(batch), kAwait);
      } else {
        std::tie(ec, std::ignore) =
            co_await asio::async_write(self->socket, asio::buffer(batch), kAwait);
      }
      // A failed write to a replaced socket is old news; what is queued now is for the new one.
      if (ec && generation == self->generation) {
        self->drop("write failed: " + ec.message());
        break;
      }
    }
    self->writing = false;
  });
}

bool ConnectionState::application_wants(std::string_view event_name) const {
  return application_all || application_events.contains(upper(event_name));
}

void ConnectionState::ensure_library_subscription(
    std::initializer_list<std::string_view> event_names) {
  std::string newly_needed;  // one "event" command for all of them
  for (std::string_view event_name : event_names) {
    std::string name = upper(event_name);
    bool added = library_events.insert(name).second;
    const auto& channel_types = myevents_types();
    if (outbound &&
        std::find(channel_types.begin(), channel_types.end(), name) != channel_types.end()) {
      // An outbound socket without `full` may not send "event"; "myevents" works on every one
      // and brings the channel's own events, which is all an outbound session needs.
      if (!myevents_on) {
        myevents_on = library_myevents = true;
        send_command("myevents\n\n")->abandoned = true;
      }
    } else if (added) {
      newly_needed += " " + name;
    }
  }
  if (!newly_needed.empty()) {
    send_command("event " + std::string(protocol::format_name(format)) + newly_needed + "\n\n")
        ->abandoned = true;
  }
  // With filters active the server only sends matching events: let ours through.
  for (std::string_view event_name : event_names) {
    std::string name = upper(event_name);
    if (!application_filters.empty() && library_filters.insert(name).second) {
      send_command("filter Event-Name " + name + "\n\n")->abandoned = true;
    }
  }
}

void ConnectionState::resubscribe_library_events() {
  if (library_events.empty()) return;
  std::string command = "event " + std::string(protocol::format_name(format));
  for (const std::string& name : library_events) command += " " + name;
  send_command(command + "\n\n")->abandoned = true;
}

void ConnectionState::finish(ClientError::Kind kind, std::string reason) {
  if (phase == Phase::kClosed) return;
  phase = Phase::kClosed;
  {
    std::lock_guard lock(reason_mutex);
    close_reason = reason;
    close_kind = kind;
  }
  reconnect_timer.cancel();
  std::error_code ignored;
  socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
  std::string why = "connection ended: " + std::move(reason);
  for (auto& slot : awaiting_reply) slot->fail(kind, why);
  awaiting_reply.clear();
  for (auto& [uuid, job] : jobs) job.slot->fail(kind, why);
  jobs.clear();
  for (auto& [uuid, execution] : executions) execution.slot->fail(kind, why);
  executions.clear();
  outbox.clear();
  if (event_waiter) std::exchange(event_waiter, nullptr)->complete(false);
}

void ConnectionState::fail(const char* name, const std::exception_ptr& error) {
  std::string what = "unknown exception";
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
  }
  finish(ClientError::Kind::kDisconnected, std::string(name) + " failed: " + what);
}

std::function<void(std::exception_ptr)> ConnectionState::spawn_completion(const char* name) {
  return [weak = weak_from_this(), name](const std::exception_ptr& error) {
    auto self = weak.lock();
    if (!error || !self) return;
    asio::post(self->strand, [self, name, error] { self->fail(name, error); });
  };
}

void ConnectionState::deliver_event(Event event) {
  if (event_handler) {
    event_handler(std::move(event));
    return;
  }
  events.push_back(std::move(event));
  if (event_waiter) std::exchange(event_waiter, nullptr)->complete(true);
}

void ConnectionState::fail_executions_of(const Event& hangup_complete) {
  // The channel is gone: an application that never completed (unknown, or queued behind the
  // hangup) never will. Its CHANNEL_EXECUTE_COMPLETE, if any, came before this event.
  std::string_view channel = hangup_complete.header_or("Unique-ID");
  if (channel.empty()) return;
  std::string cause(hangup_complete.header_or("Hangup-Cause"));
  std::erase_if(executions, [&](auto& entry) {
    if (entry.second.channel != channel) return false;
    entry.second.slot->fail(ClientError::Kind::kChannelHungUp,
                            "channel " + std::string(channel) + " hung up (" + cause +
                                ") before the application completed");
    return true;
  });
}

void ConnectionState::handle_message(protocol::Message message) {
  std::string_view type = message.content_type();
  if (type == "command/reply" || type == "api/response" || type == "auth/request") {
    // Replies come one per command, in command order: the oldest waiter owns this one.
    if (awaiting_reply.empty()) return;
    auto slot = std::move(awaiting_reply.front());
    awaiting_reply.pop_front();
    if (slot->abandoned) return;
    if (slot->on_arrival) slot->on_arrival(message);
    slot->complete(std::move(message));
    return;
  }
  if (type == "text/event-plain" || type == "text/event-json") {
    std::optional<Event> event;
    if (type == "text/event-plain") {
      event = parse_plain_event(message.body);
    } else {
      event = parse_json_event(message.body);
    }
    if (!event) return;  // not a JSON object: nothing sensible to hand out
    // Replayed after a reconnection and also received live: handed out once.
    if (options.reconnect.replay && !sequences.note(*event)) return;
    std::string_view name = event->name();
    bool wanted = application_wants(name);
    if (protocol::iequals(name, "BACKGROUND_JOB")) {
      auto job = jobs.find(std::string(event->header_or("Job-UUID")));
      if (job != jobs.end()) {
        auto slot = std::move(job->second.slot);
        jobs.erase(job);
        BackgroundJob result{std::string(event->header_or("Job-UUID")), event->body, {}};
        if (wanted)
          result.event = *event;
        else
          result.event = std::move(*event);
        slot->complete(std::move(result));
        if (!wanted) return;
      }
    } else if (protocol::iequals(name, "CHANNEL_EXECUTE_COMPLETE")) {
      auto execution = executions.find(std::string(event->header_or("Application-UUID")));
      if (execution != executions.end()) {
        auto slot = std::move(execution->second.slot);
        executions.erase(execution);
        if (wanted) {
          slot->complete(*event);
        } else {
          slot->complete(std::move(*event));
          return;
        }
      }
    }
    if (protocol::iequals(name, "CHANNEL_HANGUP_COMPLETE")) fail_executions_of(*event);
    if (!wanted && (library_myevents || library_events.contains(upper(name)))) {
      return;  // ours, not asked for
    }
    deliver_event(std::move(*event));
    return;
  }
  if (type == "text/event-xml") {
    // Not parsed: handed out with the XML document as body.
    Event event;
    event.headers.push_back({"Content-Type", "text/event-xml"});
    event.body = std::move(message.body);
    deliver_event(std::move(event));
    return;
  }
  if (type == "log/data") {
    if (log_handler) {
      log_handler(LogLine{std::move(message.headers), std::move(message.body)});
    }
    return;
  }
  if (type == "text/disconnect-notice") {
    // A linger notice only says the controlled call hung up; the connection stays.
    const std::string* disposition = message.header("Content-Disposition");
    if (disposition && *disposition == "linger") return;
    drop(message.body.empty() ? "disconnect notice" : trim_trailing_newlines(message.body));
    return;
  }
  if (type == "text/rude-rejection") {
    finish(ClientError::Kind::kAccessDenied,
           "access denied: " + trim_trailing_newlines(message.body));
    return;
  }
  // Unknown content types are ignored: newer servers may send messages we do not know.
}

asio::awaitable<void> read_loop(std::shared_ptr<ConnectionState> state, std::uint64_t generation) {
  std::array<char, 65536> buffer;
  protocol::Message message;
  // Ends when the connection ends or its socket is replaced (a reconnection runs its own loop).
  auto current = [&] { return state->phase != Phase::kClosed && state->generation == generation; };
  std::shared_ptr<ConnectionState::TlsStream> tls = state->tls;
  while (current()) {
    std::error_code ec;
    std::size_t received = 0;
    // Not a co_await inside ?: (GCC 12 miscompiles it; see start_writer).
    if (tls) {
      std::tie(ec, received) = co_await tls->async_read_some(asio::buffer(buffer), kAwait);
    } else {
      std::tie(ec, received) = co_await state->socket.async_read_some(asio::buffer(buffer), kAwait);
    }
    if (!current()) co_return;
    if (ec) {
      // A TLS server closes without close_notify (as a plain one simply closes): the ESL framing
      // shows whether a message was cut, so a truncated stream is an ordinary end.
      bool ended = ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
      state->drop(ended ? "closed by the server" : ec.message());
      co_return;
    }
    state->parser.feed(std::string_view(buffer.data(), received));
    while (current()) {
      protocol::ParseStatus status = state->parser.next(message);
      if (status == protocol::ParseStatus::kNeedMore) break;
      if (status == protocol::ParseStatus::kBodyTooLarge) {
        state->finish(ClientError::Kind::kDisconnected, "message body too large");
        co_return;
      }
      try {
        state->handle_message(std::move(message));
      } catch (const std::exception& error) {
        // A throwing handler would otherwise end this loop silently and leave every waiter hung.
        state->finish(ClientError::Kind::kDisconnected,
                      std::string("event or log handler threw: ") + error.what());
        co_return;
      }
      message = {};
    }
  }
}

}  // namespace es::client::detail
