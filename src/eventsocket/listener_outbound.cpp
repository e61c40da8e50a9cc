// Outbound mode (docs/outbound.md): a listener on the connection a `socket` application made.
// It starts authenticated and controlling that call; connect, getvar and resume reach the
// call through the request's core::OutboundCall, so this layer never sees the switch. An inbound
// listener that took a call with `myevents <uuid>` has the same three commands; it reaches
// the call through the runtime (channel data, uuid_getvar, uuid_setvar).
#include <fmt/format.h>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>

#include <atomic>

#include "core/api_registry.hpp"
#include "core/event_serializer.hpp"
#include "eventsocket/listener.hpp"

namespace es::eventsocket {
namespace {

// The Reply-Text buffer of FreeSWITCH's listener holds 511 bytes (docs/wire-protocol.md §7).
constexpr std::size_t kMaxReplyText = 511;

}  // namespace

void Listener::start_outbound(core::OutboundSocketRequest request) {
  request.native_fd = -1;
  outbound_ = std::make_unique<core::OutboundSocketRequest>(std::move(request));
  policy_ = outbound_policy(*outbound_);
  rules_ = core::AccessRules(policy_);
  rules_.add(outbound_->rules);
  became_authenticated();
  std::error_code ec;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  socket_.non_blocking(true, ec);
  auto self = shared_from_this();
  asio::post(strand_, [self] {
    const std::string uuid = self->outbound_->session_uuid;
    bool attached = self->attach_session(uuid);
    self->spawn_loop("listener write loop", self->write_loop());
    self->spawn_loop("listener watchdog", self->watchdog_loop());
    if (!attached) {
      // The call ended before its connection could be adopted.
      self->close(CloseType::kFlushThenClose, protocol::kGoodbyeText);
    } else {
      self->controlled_uuid_ = uuid;
      {
        std::lock_guard lock(self->mutex_);
        self->subscription_.set_scope_uuid(uuid);
      }
      self->deadlines_.arm(Deadline::kFirstPacket,
                           std::chrono::steady_clock::now() +
                               std::chrono::seconds(self->context_.settings.auth_timeout_s));
      self->spawn_loop("listener read loop", self->read_loop());
    }
    self->rearm_watchdog();
  });
}

bool Listener::attach_session(std::string_view uuid) {
  core::SessionControl* sessions = context_.runtime.session_control();
  if (sessions == nullptr) return false;
  std::weak_ptr<Listener> weak = weak_from_this();
  auto hold = sessions->attach(
      uuid,
      [weak] {
        if (auto self = weak.lock()) {
          asio::post(self->strand_, [self] { self->on_session_hangup(); });
        }
      },
      [weak] {
        if (auto self = weak.lock()) {
          asio::post(self->strand_, [self] { self->on_session_reported(); });
        }
      });
  if (!hold) return false;
  session_hold_ = std::move(hold);
  // Read once here: the linger notice names the channel after it may be gone.
  session_channel_name_ = sessions->channel_name(uuid).value_or("");
  return true;
}

void Listener::end_outbound() {
  if (!outbound_ || outbound_ended_) return;
  outbound_ended_ = true;
  outbound_->call->ended();
}

void Listener::fill_controlled_channel_data(core::Event& event) {
  if (outbound_) {
    outbound_->call->fill_channel_data(event);
    return;
  }
  // An inbound listener reaches the call only through the runtime's channel data. The
  // Channel-* block is the caller profile under another prefix: the Caller-* headers of the
  // same data, renamed.
  const core::ChannelDirectory* channels = context_.runtime.channels();
  core::Event data(core::EventType::kChannelData);
  if (channels == nullptr || !channels->fill_channel_data(controlled_uuid_, data)) return;
  constexpr std::string_view kCallerPrefix = "Caller-";
  for (const auto& header : data.headers()) {
    if (header.name.starts_with(kCallerPrefix)) {
      event.add_header("Channel-" + header.name.substr(kCallerPrefix.size()), header.value);
    }
  }
  for (const auto& header : data.headers()) event.add_header(header.name, header.value);
}

void Listener::cmd_connect() {
  // No command/reply frame: the CHANNEL_DATA event itself is the reply (docs/outbound.md).
  core::Event event = context_.runtime.events().create(core::EventType::kChannelData);
  fill_controlled_channel_data(event);
  // Listeners of `myevents <uuid>` are asynchronous and have the full command set.
  bool async = outbound_ ? outbound_->async : true;
  bool full = outbound_ ? outbound_->full : true;
  event.add_header("Content-Type", "command/reply");
  event.add_header("Reply-Text", "+OK\n");
  event.add_header("Socket-Mode", async ? "async" : "static");
  event.add_header("Control", full ? "full" : "single-channel");
  std::string text;
  core::serialize_plain(event, text);
  send(std::move(text));
  if (outbound_ && !outbound_connected_) {
    outbound_connected_ = true;
    outbound_->call->connected();
  }
}

void Listener::cmd_getvar(std::string_view text) {
  std::string value;
  auto space = text.find(' ');
  if (space != std::string_view::npos) {
    std::string_view name = text.substr(space + 1);
    if (outbound_) {
      value = outbound_->call->lookup_variable(name).value_or("");
    } else {
      // uuid_getvar does the same ${name} lookup; it names an unset variable "_undef_".
      core::ApiContext api_context;
      auto result = context_.runtime.api().execute(
          "uuid_getvar", controlled_uuid_ + " " + std::string(name), api_context);
      if (result.found && result.status == core::ApiStatus::kSuccess &&
          result.output != "_undef_" && result.output != "-ERR No such channel!\n" &&
          result.output != "-USAGE: <uuid> <var>\n") {
        value = std::move(result.output);
      }
    }
  }
  if (value.size() > kMaxReplyText) value.resize(kMaxReplyText);
  // An empty reply becomes "command not found" in FreeSWITCH (docs/wire-protocol.md §5.5).
  reply(value.empty() ? std::string_view("-ERR command not found") : value);
}

asio::awaitable<void> Listener::execute_sendmsg(core::Event message) {
  // The reader waits here, so nothing else is read or replied until the call has run it.
  auto finished = std::make_shared<std::atomic<bool>>(false);
  std::weak_ptr<Listener> weak = shared_from_this();
  bool accepted = outbound_->call->execute_message(std::move(message), [weak, finished] {
    *finished = true;
    if (auto self = weak.lock()) {
      asio::post(self->strand_, [self] { self->wait_timer_.cancel(); });
    }
  });
  while (accepted && !*finished && !closing()) {
    wait_timer_.expires_at(asio::steady_timer::time_point::max());
    co_await wait_timer_.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
  }
  if (closing()) co_return;  // the notice is out; a reply after it would be wrong
  reply("+OK");
}

void Listener::cmd_resume() {
  if (outbound_) {
    outbound_->call->resume();
  } else {
    // An inbound listener controlling a call through `myevents <uuid>` only sets the variable.
    std::string uuid = controlled_uuid_;
    core::ApiContext api_context;
    context_.runtime.api().execute("uuid_setvar", uuid + " socket_resume true", api_context);
  }
  reply("+OK");
}

}  // namespace es::eventsocket
