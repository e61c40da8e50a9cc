// The inbound command set (docs/wire-protocol.md §4, §5): dispatch order, replies and their quirks.
#include <fmt/format.h>
#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/co_spawn.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>

#include "core/spawn.hpp"
#include "core/text/text.hpp"
#include "core/uuid.hpp"
#include "eventsocket/command_text.hpp"
#include "eventsocket/directory_auth.hpp"
#include "eventsocket/listener.hpp"
#include "protocol/header_fields.hpp"

namespace es::eventsocket {
namespace {

using core::EventType;
}  // namespace

asio::awaitable<void> Listener::dispatch(protocol::CommandPacket& packet) {
  {
    std::lock_guard lock(mutex_);
    queue_.hold(true);
  }
  if (outbound_ && !first_packet_seen_) {
    first_packet_seen_ = true;
    deadlines_.disarm(Deadline::kFirstPacket);
    rearm_watchdog();
    drop_next_reply_ = true;
  }
  command_running_ = true;
  co_await run_command(packet);
  command_running_ = false;
  drop_next_reply_ = false;
  bool ready;
  {
    std::lock_guard lock(mutex_);
    queue_.hold(false);
    ready = !queue_.empty();
  }
  if (ready) wake_writer();
  if (hangup_pending_) {
    hangup_pending_ = false;
    on_session_hangup();
  }
}

asio::awaitable<void> Listener::run_command(protocol::CommandPacket& packet) {
  if (packet.dropped_headers > 0) {
    // Policy of protocol::ParserLimits::max_header_lines: such a packet is not run at all.
    reply("-ERR too many header lines");
    co_return;
  }
  std::string rewritten;
  std::string_view cmd = packet.command;
  // Text naming mod_event_socket with unload/reload is rewritten (docs/wire-protocol.md §4).
  if (protocol::icontains(packet.raw, "mod_event_socket")) {
    if (protocol::icontains(packet.raw, "unload")) {
      cmd = rewritten = "api bgapi unload mod_event_socket";
    } else if (protocol::icontains(packet.raw, "reload")) {
      cmd = rewritten = "api bgapi reload mod_event_socket";
    }
  }

  if (protocol::istarts_with(cmd, "exit") || cmd.starts_with("...")) {
    reply("+OK bye");
    close(CloseType::kFlushThenClose, protocol::kGoodbyeText);
    co_return;
  }
  if (!authenticated_) {
    if (protocol::istarts_with(cmd, "auth ")) {
      co_await cmd_auth(cmd.substr(5));
    } else if (protocol::istarts_with(cmd, "userauth ")) {
      co_await cmd_userauth(cmd.substr(9));
    } else {
      reply("-ERR command not found");
    }
    co_return;
  }

  bool has_session = !controlled_uuid_.empty();
  // Gateway mode (docs/gateway.md): commands that act on calls go to the upstreams.
  core::UpstreamGateway* gateway = context_.runtime.upstream_gateway();
  // resume, connect and getvar exist for every listener controlling a call: outbound ones
  // and inbound ones after `myevents <uuid>` (docs/wire-protocol.md §4).
  if (protocol::istarts_with(cmd, "filter ")) {
    cmd_filter(cmd.substr(7));
  } else if (has_session && protocol::istarts_with(cmd, "resume")) {
    cmd_resume();
  } else if (has_session && protocol::istarts_with(cmd, "connect")) {
    cmd_connect();
  } else if (has_session && protocol::istarts_with(cmd, "getvar")) {
    if (socket_command_allowed("getvar")) cmd_getvar(cmd);
  } else if (protocol::istarts_with(cmd, "myevents") &&
             (has_session || protocol::istarts_with(cmd, "myevents "))) {
    if (socket_command_allowed("myevents")) co_await cmd_myevents(packet, cmd);
  } else if (protocol::istarts_with(cmd, "divert_events")) {
    if (socket_command_allowed("divert_events")) cmd_divert_events(cmd.substr(13));
  } else if (protocol::istarts_with(cmd, "sendmsg")) {
    if (!socket_command_allowed("sendmsg")) co_return;
    if (gateway != nullptr) {
      co_await gateway_sendmsg(*gateway, packet, cmd.substr(7));
    } else {
      co_await cmd_sendmsg(packet, cmd.substr(7));
    }
  } else if (outbound_ && !outbound_->full) {
    // The gate of docs/wire-protocol.md §4: without `full` nothing below exists.
    reply("-ERR command not found");
  } else if (protocol::istarts_with(cmd, "sendevent")) {
    if (!socket_command_allowed("sendevent")) co_return;
    if (gateway != nullptr) {
      co_await gateway_sendevent(*gateway, packet, cmd.substr(9));
    } else {
      cmd_sendevent(packet, cmd.substr(9));
    }
  } else if (protocol::istarts_with(cmd, "api ")) {
    if (gateway != nullptr) {
      co_await gateway_api(*gateway, packet, cmd.substr(4));
    } else {
      co_await cmd_api(packet, cmd.substr(4));
    }
  } else if (protocol::istarts_with(cmd, "bgapi ")) {
    if (gateway != nullptr) {
      gateway_bgapi(*gateway, packet, cmd.substr(6));
    } else {
      cmd_bgapi(packet, cmd.substr(6));
    }
  } else if (gateway != nullptr && protocol::istarts_with(cmd, "replay ")) {
    cmd_replay(*gateway, cmd.substr(7));
  } else if (protocol::istarts_with(cmd, "log")) {
    cmd_log(cmd.substr(3));
  } else if (protocol::istarts_with(cmd, "linger")) {
    cmd_linger(cmd.substr(6));
  } else if (protocol::istarts_with(cmd, "nolinger")) {
    cmd_nolinger();
  } else if (protocol::istarts_with(cmd, "nolog")) {
    cmd_nolog();
  } else if (protocol::istarts_with(cmd, "event")) {
    co_await cmd_event(cmd);
  } else if (protocol::istarts_with(cmd, "nixevent")) {
    cmd_nixevent(cmd);
  } else if (protocol::istarts_with(cmd, "noevents")) {
    cmd_noevents();
  } else {
    reply("-ERR command not found");
  }
}

asio::awaitable<void> Listener::cmd_auth(std::string_view password) {
  // The delay comes from past failures only and is served before either answer.
  auto delay = context_.throttle.delay_for(peer_address_);
  bool accepted = passwords_equal(password, context_.settings.password);
  if (accepted) {
    context_.throttle.record_success(peer_address_);
  } else {
    context_.throttle.record_failure(peer_address_);
  }
  co_await wait_auth_delay(delay);
  if (accepted) {
    policy_ = password_policy();
    rules_ = core::AccessRules(policy_);
    became_authenticated();
    rearm_watchdog();
    reply("+OK accepted");
    co_return;
  }
  log_auth_failure("auth");
  reply("-ERR invalid");
  close(CloseType::kFlushThenClose, protocol::kGoodbyeText);
}

asio::awaitable<void> Listener::wait_auth_delay(std::chrono::milliseconds delay) {
  if (delay.count() <= 0) co_return;
  wait_timer_.expires_after(delay);
  co_await wait_timer_.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
}

void Listener::log_auth_failure(std::string_view how) {
  // Not logged by FreeSWITCH; logged here in the form of its ACL refusal so that one watcher
  // rule (fail2ban...) matches both. The password never appears.
  ES_LOG(context_.runtime.log(), core::LogLevel::kWarning, "IP {} Rejected by authentication ({})",
         peer_address_, how);
}

asio::awaitable<void> Listener::cmd_userauth(std::string_view arg) {
  auto delay = context_.throttle.delay_for(peer_address_);
  UserAuthOutcome outcome;
  if (context_.userauth) outcome = context_.userauth(arg);
  if (!outcome.accepted) {
    // "user@domain:password" or "user:password@domain": only user@domain is logged.
    std::string_view user = arg.substr(0, arg.find('@'));
    user = user.substr(0, user.find(':'));
    std::string_view domain;
    if (std::size_t at = arg.find('@'); at != std::string_view::npos) {
      domain = arg.substr(at + 1);
      domain = domain.substr(0, domain.find(':'));
    }
    log_auth_failure(fmt::format("userauth {}@{}", user, domain));
    context_.throttle.record_failure(peer_address_);
    co_await wait_auth_delay(delay);
    reply("-ERR invalid");
    close(CloseType::kFlushThenClose, protocol::kGoodbyeText);
    co_return;
  }
  co_await wait_auth_delay(delay);
  context_.throttle.record_success(peer_address_);
  EventRestrictions r;
  if (outcome.allowed_events) {
    r.events_limited = true;
    bool custom = false;
    for (auto& word : split_allowed_list(*outcome.allowed_events)) {
      if (custom) {
        r.subclasses.push_back(word);
        continue;
      }
      auto type = core::event_type_from_name(word);
      if (!type) continue;
      if (*type == EventType::kAll) {
        r.events.set();
      } else {
        r.events.set(static_cast<std::size_t>(*type));
        if (*type == EventType::kCustom) custom = true;
      }
    }
  }
  policy_ = userauth_policy(outcome.user, outcome.allowed_api);
  rules_ = core::AccessRules(policy_);
  {
    std::lock_guard lock(mutex_);
    subscription_.restrict(std::move(r));  // read by publishers
    user_ = outcome.user;
  }
  logs_allowed_ = outcome.allowed_log;
  became_authenticated();
  rearm_watchdog();
  send(protocol::command_reply_with_headers(fmt::format(
      "Reply-Text: +OK accepted\nAllowed-Events: {}\nAllowed-API: {}\nAllowed-LOG: {}\n",
      outcome.allowed_events.value_or("all"), outcome.allowed_api.value_or("all"),
      outcome.allowed_log ? "true" : "false")));
}

asio::awaitable<void> Listener::cmd_api(const protocol::CommandPacket& packet,
                                        std::string_view text) {
  const std::string* console = packet.header("console_execute");
  bool console_mode = console && text::switch_true(*console);
  auto [name, arg] = split_command(text);
  const auto started = std::chrono::steady_clock::now();
  if (console_mode ? !console_allowed(text) : !api_allowed(name, arg)) {
    reply("-ERR permission denied");
    co_return;
  }
  core::ApiContext api_context;
  api_context.session_uuid = controlled_uuid_;
  api_context.from_console = console_mode;
  api_context.rules = access_rules();
  auto& registry = context_.runtime.api();
  // Looked up once: the entry decides where it runs and is what runs (console lines are split
  // and looked up by the console executor).
  const core::ApiCommand* command = console_mode ? nullptr : registry.find(name);
  core::ApiResult result;
  if (command && !command->may_block) {
    result = registry.execute(command, name, arg, api_context);
  } else if (command && command->has_async()) {
    // A command that waits without a thread (originate): the reader awaits its completion,
    // which is posted back to this strand.
    result = co_await asio::async_initiate<const asio::use_awaitable_t<>, void(core::ApiResult)>(
        [&](auto handler) {
          auto waiting = std::make_shared<decltype(handler)>(std::move(handler));
          registry.execute_async(command, name, arg, api_context, [waiting](core::ApiResult done) {
            auto executor = asio::get_associated_executor(*waiting);
            asio::post(executor, [waiting, done = std::move(done)]() mutable {
              (*waiting)(std::move(done));
            });
          });
        },
        asio::use_awaitable);
  } else {
    // Commands that may block (msleep) and unknown names run on the worker pool, never on the
    // event loop. The reader waits, so replies stay in command order.
    result = co_await asio::co_spawn(
        context_.workers,
        [&]() -> asio::awaitable<core::ApiResult> {
          co_return console_mode ? registry.execute_console(text, api_context)
                                 : registry.execute(command, name, arg, api_context);
        },
        asio::use_awaitable);
  }
  std::string body;
  if (!result.found || result.status != core::ApiStatus::kSuccess) {
    body = fmt::format("-ERR {} Command not found!\n", console_mode ? text : name);
  } else if (result.output.empty()) {
    body = "-ERR no reply\n";
  } else {
    body = std::move(result.output);
  }
  send(protocol::api_response(body));
  context_.metrics.api_duration.observe_us(std::chrono::duration_cast<std::chrono::microseconds>(
                                               std::chrono::steady_clock::now() - started)
                                               .count());
}

void Listener::cmd_bgapi(const protocol::CommandPacket& packet, std::string_view text) {
  auto [name, arg] = split_command(text);
  std::optional<std::string> started = start_bgapi_job(packet, name, arg);
  if (!started) return;
  std::string job_uuid = std::move(*started);

  core::ApiContext api_context;
  api_context.session_uuid = controlled_uuid_;
  api_context.rules = access_rules();
  context_.metrics.bgapi_started.add();
  context_.metrics.bgapi_running.add(1);
  // Fires the job's BACKGROUND_JOB with the command's output.
  auto finish = [self = shared_from_this(), job_uuid = std::move(job_uuid),
                 name = std::string(name), arg = std::string(arg),
                 owner = api_context.session_uuid](core::ApiResult result) {
    auto& rt = self->context_.runtime;
    core::Event event = rt.events().create(EventType::kBackgroundJob);
    event.add_header("Job-UUID", job_uuid);
    if (!owner.empty()) event.add_header("Job-Owner-UUID", owner);
    event.add_header("Job-Command", name);
    if (!arg.empty()) event.add_header("Job-Command-Arg", arg);
    if (!result.found || result.status != core::ApiStatus::kSuccess) {
      event.set_body(fmt::format("-ERR {} Command not found!\n", name));
    } else {
      event.set_body(std::move(result.output));
    }
    rt.bus().fire(std::move(event));
    self->context_.metrics.bgapi_running.add(-1);
    self->end_bgapi_job();
  };
  auto& registry = context_.runtime.api();
  // Looked up once; the entry outlives the job (the registry keeps replaced entries).
  const core::ApiCommand* command = registry.find(name);
  if (command && command->has_async()) {
    // No thread waits for it (FreeSWITCH gives each job a thread; a pool would cap how many
    // calls can ring at once).
    registry.execute_async(command, name, arg, api_context, std::move(finish));
    return;
  }
  core::post_guarded(context_.runtime.log(), context_.workers, "bgapi job",
                     [&registry, command, finish = std::move(finish), name = std::string(name),
                      arg = std::string(arg), api_context = std::move(api_context)]() mutable {
                       finish(registry.execute(command, name, arg, api_context));
                     });
}

std::optional<std::string> Listener::start_bgapi_job(const protocol::CommandPacket& packet,
                                                     std::string_view name, std::string_view arg) {
  if (!api_allowed(name, arg)) {
    reply("-ERR permission denied");
    return std::nullopt;
  }
  const std::string* given = packet.header("Job-UUID");
  std::string job_uuid = given ? *given : core::make_uuid();
  send(protocol::command_reply_with_headers(
      fmt::format("Reply-Text: +OK Job-UUID: {}\nJob-UUID: {}\n", job_uuid, job_uuid)));
  jobs_in_flight_.fetch_add(1);
  return job_uuid;
}

void Listener::end_bgapi_job() {
  if (jobs_in_flight_.fetch_sub(1) == context_.settings.max_jobs_in_flight) {
    // The reader may be waiting for a job to end before it reads the next command.
    asio::post(strand_, [self = shared_from_this()] { self->wake_waiting_reader(); });
  }
}

asio::awaitable<void> Listener::cmd_sendmsg(const protocol::CommandPacket& packet,
                                            std::string_view text) {
  std::string target(skip_spaces(text));
  const std::string& controlled = controlled_uuid_;
  if (target.empty()) {
    if (const std::string* sid = packet.header("Session-ID")) target = *sid;
  }
  if (target.empty()) target = controlled;
  core::SessionControl* sessions = context_.runtime.session_control();
  if (target.empty() || sessions == nullptr || !sessions->is_live(target)) {
    reply(fmt::format("-ERR invalid session id [{}]", target));
    co_return;
  }
  if (policy_ && policy_->call_only && target != controlled) {
    reply("-ERR permission denied");  // an outbound server without `full` has only its call
    co_return;
  }
  // From here on the call obeys this client's rules, whatever the message makes it run.
  if (!rules_.empty()) sessions->confine(target, rules_);
  core::Event message(EventType::kCommand);
  // FreeSWITCH cuts the uuid at its line end in place, which also shortens the Command
  // header to the first line; without a uuid on the line the header keeps the whole block.
  bool uuid_on_line = !skip_spaces(text).empty();
  message.add_header("Command", uuid_on_line ? packet.command : packet.raw);
  for (const auto& h : packet.headers) message.add_header(h.name, h.value);
  if (!packet.body.empty()) message.set_body(packet.body);
  const std::string* async_header = packet.header("async");
  bool queued =
      !outbound_ || outbound_->async || (async_header && text::switch_true(*async_header));
  if (!queued && target == controlled) {
    co_await execute_sendmsg(std::move(message));
    co_return;
  }
  auto result = sessions->queue_message(target, std::move(message));
  reply(result == core::QueueResult::kQueued ? "+OK" : "-ERR memory error");
}

void Listener::cmd_sendevent(const protocol::CommandPacket& packet, std::string_view text) {
  std::string_view name = text;
  while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
  // A header name that could split or spoof lines in subscribers' streams fires nothing.
  for (const auto& h : packet.headers) {
    if (!protocol::valid_header_name(h.name)) {
      reply("-ERR invalid header name");
      return;
    }
  }
  auto type = core::event_type_from_name(name);
  core::Event event(type ? *type : EventType::kCustom);
  event.add_header("Command", packet.command);
  for (const auto& h : packet.headers) event.add_header(h.name, h.value);
  std::string event_uuid = core::make_uuid();
  event.add_header("Event-UUID", event_uuid);
  if (event.type() == EventType::kCustom) {
    if (const std::string* subclass = event.header("Event-Subclass")) {
      std::string value = *subclass;
      event.set_subclass(value);
    }
  }
  if (!packet.body.empty()) event.set_body(packet.body);
  const std::string* target = event.header("Unique-ID");
  core::SessionControl* sessions = context_.runtime.session_control();
  if (target && sessions != nullptr && sessions->is_live(*target)) {
    std::string uuid = *target;
    if (!rules_.empty()) sessions->confine(uuid, rules_);
    sessions->queue_event(uuid, std::move(event));
  } else {
    context_.runtime.events().prepare(event);
    context_.runtime.bus().fire(std::move(event), burst_wakes_);
  }
  reply(fmt::format("+OK {}", event_uuid));
}

}  // namespace es::eventsocket
