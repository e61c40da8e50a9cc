// The inbound command set (protocol.md 4-5): dispatch order, replies and their quirks.
#include <asio/experimental/as_tuple.hpp>
#include <asio/co_spawn.hpp>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>
#include <fmt/format.h>

#include "core/uuid.hpp"
#include "eventsocket/command_text.hpp"
#include "eventsocket/directory_auth.hpp"
#include "eventsocket/listener.hpp"

namespace es::eventsocket {
namespace {

using core::EventType;

// The event types `myevents` turns on (protocol.md 5.7).
constexpr EventType kMyEventsTypes[] = {
    EventType::kChannelAnswer,        EventType::kChannelApplication,
    EventType::kChannelBridge,        EventType::kChannelCreate,
    EventType::kChannelData,          EventType::kChannelDestroy,
    EventType::kChannelExecute,       EventType::kChannelExecuteComplete,
    EventType::kChannelHangup,        EventType::kChannelHangupComplete,
    EventType::kChannelOriginate,     EventType::kChannelUuid,
    EventType::kChannelOutgoing,      EventType::kChannelPark,
    EventType::kChannelProgress,      EventType::kChannelProgressMedia,
    EventType::kChannelState,         EventType::kChannelUnbridge,
    EventType::kChannelUnpark,        EventType::kDetectedSpeech,
    EventType::kDtmf,                 EventType::kNotalk,
    EventType::kTalk};

// Commands whose argument names another command to run (checked recursively).
bool wraps_command(std::string_view name) {
  for (std::string_view w : {"bgapi", "sched_api", "eval", "expand", "xml_wrap"}) {
    if (name == w) return true;
  }
  return false;
}

std::pair<std::string_view, std::string_view> split_command(std::string_view text) {
  auto space = text.find(' ');
  if (space == std::string_view::npos) return {text, {}};
  return {text.substr(0, space), text.substr(space + 1)};
}

}  // namespace

asio::awaitable<void> Listener::dispatch(protocol::CommandPacket& packet) {
  {
    std::lock_guard lock(mutex_);
    queue_.hold(true);
  }
  co_await run_command(packet);
  bool ready;
  {
    std::lock_guard lock(mutex_);
    queue_.hold(false);
    ready = !queue_.empty();
  }
  if (ready) wake_writer();
}

asio::awaitable<void> Listener::run_command(protocol::CommandPacket& packet) {
  std::string rewritten;
  std::string_view cmd = packet.command;
  // Any command text naming mod_event_socket with unload/reload is rewritten (quirk 9).
  if (contains_nocase(packet.raw, "mod_event_socket")) {
    if (contains_nocase(packet.raw, "unload")) {
      cmd = rewritten = "api bgapi unload mod_event_socket";
    } else if (contains_nocase(packet.raw, "reload")) {
      cmd = rewritten = "api bgapi reload mod_event_socket";
    }
  }

  if (starts_with_nocase(cmd, "exit") || cmd.starts_with("...")) {
    reply("+OK bye");
    finish(protocol::kGoodbyeText);
    co_return;
  }
  if (!authenticated_) {
    if (starts_with_nocase(cmd, "auth ")) {
      co_await cmd_auth(cmd.substr(5));
    } else if (starts_with_nocase(cmd, "userauth ")) {
      co_await cmd_userauth(cmd.substr(9));
    } else {
      reply("-ERR command not found");
    }
    co_return;
  }

  bool has_session;
  {
    std::lock_guard lock(mutex_);
    has_session = !session_uuid_.empty();
  }
  if (starts_with_nocase(cmd, "filter ")) {
    cmd_filter(cmd.substr(7));
  } else if (starts_with_nocase(cmd, "myevents") &&
             (has_session || starts_with_nocase(cmd, "myevents "))) {
    cmd_myevents(packet, cmd);
  } else if (starts_with_nocase(cmd, "divert_events")) {
    cmd_divert_events(cmd.substr(13));
  } else if (starts_with_nocase(cmd, "sendmsg")) {
    cmd_sendmsg(packet, cmd.substr(7));
  } else if (starts_with_nocase(cmd, "sendevent")) {
    cmd_sendevent(packet, cmd.substr(9));
  } else if (starts_with_nocase(cmd, "api ")) {
    co_await cmd_api(packet, cmd.substr(4));
  } else if (starts_with_nocase(cmd, "bgapi ")) {
    cmd_bgapi(packet, cmd.substr(6));
  } else if (starts_with_nocase(cmd, "log")) {
    cmd_log(cmd.substr(3));
  } else if (starts_with_nocase(cmd, "linger")) {
    cmd_linger(cmd.substr(6));
  } else if (starts_with_nocase(cmd, "nolinger")) {
    cmd_nolinger();
  } else if (starts_with_nocase(cmd, "nolog")) {
    cmd_nolog();
  } else if (starts_with_nocase(cmd, "event")) {
    cmd_event(cmd);
  } else if (starts_with_nocase(cmd, "nixevent")) {
    cmd_nixevent(cmd);
  } else if (starts_with_nocase(cmd, "noevents")) {
    cmd_noevents();
  } else {
    reply("-ERR command not found");
  }
}

asio::awaitable<void> Listener::cmd_auth(std::string_view password) {
  if (password == context_.settings.password) {
    authenticated_ = true;
    context_.throttle.record_success(peer_address_);
    rearm_watchdog();
    reply("+OK accepted");
    co_return;
  }
  auto delay = context_.throttle.record_failure(peer_address_);
  if (delay.count() > 0) {
    wait_timer_.expires_after(delay);
    co_await wait_timer_.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
  }
  reply("-ERR invalid");
  finish(protocol::kGoodbyeText);
}

asio::awaitable<void> Listener::cmd_userauth(std::string_view arg) {
  UserAuthOutcome outcome;
  if (context_.userauth) outcome = context_.userauth(arg);
  if (!outcome.accepted) {
    auto delay = context_.throttle.record_failure(peer_address_);
    if (delay.count() > 0) {
      wait_timer_.expires_after(delay);
      co_await wait_timer_.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
    }
    reply("-ERR invalid");
    finish(protocol::kGoodbyeText);
    co_return;
  }
  context_.throttle.record_success(peer_address_);
  Restrictions r;
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
  if (outcome.allowed_api) {
    r.api_limited = true;
    r.api = split_allowed_list(*outcome.allowed_api);
  }
  restrictions_ = std::move(r);
  {
    std::lock_guard lock(mutex_);
    user_ = outcome.user;
  }
  logs_allowed_ = outcome.allowed_log;
  authenticated_ = true;
  rearm_watchdog();
  send(protocol::command_reply_with_headers(fmt::format(
      "Reply-Text: +OK accepted\nAllowed-Events: {}\nAllowed-API: {}\nAllowed-LOG: {}\n",
      outcome.allowed_events.value_or("all"), outcome.allowed_api.value_or("all"),
      outcome.allowed_log ? "true" : "false")));
}

bool Listener::api_allowed(std::string_view command, std::string_view arg) const {
  if (!restrictions_.api_limited) return true;
  // Nested commands are checked too, so bgapi cannot smuggle a forbidden one.
  for (int depth = 0; depth < 16; ++depth) {
    if (std::find(restrictions_.api.begin(), restrictions_.api.end(), command) ==
        restrictions_.api.end()) {
      return false;
    }
    if (!wraps_command(command)) return true;
    auto [next, rest] = split_command(skip_spaces(arg));
    if (next.empty()) return true;
    command = next;
    arg = rest;
  }
  return false;
}

asio::awaitable<void> Listener::cmd_api(const protocol::CommandPacket& packet,
                                        std::string_view text) {
  const std::string* console = packet.header("console_execute");
  bool console_mode = console && is_true_value(*console);
  auto [name, arg] = split_command(text);
  if (!api_allowed(name, arg)) {
    reply("-ERR permission denied");
    co_return;
  }
  core::ApiContext api_context;
  {
    std::lock_guard lock(mutex_);
    api_context.session_uuid = session_uuid_;
  }
  api_context.from_console = console_mode;
  auto& registry = context_.runtime.api();
  core::ApiResult result;
  if (!console_mode && !registry.may_block(name)) {
    result = registry.execute(name, arg, api_context);
  } else {
    // Commands that may block (msleep, originate) run on the worker pool, never on the event
    // loop. The reader waits, so replies stay in command order.
    result = co_await asio::co_spawn(
        context_.workers,
        [&]() -> asio::awaitable<core::ApiResult> {
          co_return console_mode ? registry.execute_console(text, api_context)
                                 : registry.execute(name, arg, api_context);
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
}

void Listener::cmd_bgapi(const protocol::CommandPacket& packet, std::string_view text) {
  auto [name, arg] = split_command(text);
  if (!api_allowed(name, arg)) {
    reply("-ERR permission denied");
    return;
  }
  const std::string* given = packet.header("Job-UUID");
  std::string job_uuid = given ? *given : core::make_uuid();
  send(protocol::command_reply_with_headers(
      fmt::format("Reply-Text: +OK Job-UUID: {}\nJob-UUID: {}\n", job_uuid, job_uuid)));

  core::ApiContext api_context;
  {
    std::lock_guard lock(mutex_);
    api_context.session_uuid = session_uuid_;
  }
  jobs_in_flight_.fetch_add(1);
  asio::post(context_.workers, [self = shared_from_this(), job_uuid = std::move(job_uuid),
                                name = std::string(name), arg = std::string(arg),
                                api_context = std::move(api_context)] {
    auto& rt = self->context_.runtime;
    core::ApiResult result = rt.api().execute(name, arg, api_context);
    core::Event event = rt.events().create(EventType::kBackgroundJob);
    event.add_header("Job-UUID", job_uuid);
    if (!api_context.session_uuid.empty()) {
      event.add_header("Job-Owner-UUID", api_context.session_uuid);
    }
    event.add_header("Job-Command", name);
    if (!arg.empty()) event.add_header("Job-Command-Arg", arg);
    if (!result.found || result.status != core::ApiStatus::kSuccess) {
      event.set_body(fmt::format("-ERR {} Command not found!\n", name));
    } else {
      event.set_body(std::move(result.output));
    }
    rt.bus().fire(std::move(event));
    self->jobs_in_flight_.fetch_sub(1);
  });
}

void Listener::cmd_filter(std::string_view text) {
  text = skip_spaces(text);
  bool add_form = false;
  if (starts_with_nocase(text, "delete")) {
    std::string_view rest = text.substr(6);
    if (rest.empty() || rest.front() != ' ' || skip_spaces(rest).empty()) {
      reply("-ERR invalid syntax");
      return;
    }
    rest = skip_spaces(rest);
    auto [header, value] = split_command(rest);
    {
      std::lock_guard lock(mutex_);
      if (header == "all") {
        filters_.clear();
      } else {
        filters_.remove(header, value);
      }
    }
    reply(fmt::format("+OK filter deleted. [{}][{}]", header, value));
    return;
  }
  if (starts_with_nocase(text, "add ")) {
    add_form = true;
    text = skip_spaces(text.substr(4));
  }
  auto space = text.find(' ');
  if (space == std::string_view::npos) {
    if (add_form && !text.empty()) {
      reply(fmt::format("+OK filter added. [{}]=[(null)]", text));
    } else {
      reply("-ERR invalid syntax");
    }
    return;
  }
  std::string_view header = text.substr(0, space);
  std::string_view value = text.substr(space + 1);
  {
    std::lock_guard lock(mutex_);
    filters_.add(header, value);
  }
  reply(fmt::format("+OK filter added. [{}]=[{}]", header, value));
}

void Listener::cmd_event(std::string_view text) {
  auto space = text.find(' ');
  auto words = split_words(space == std::string_view::npos ? std::string_view{}
                                                           : text.substr(space + 1));
  bool any_keyword = false;
  bool denied = false;
  {
    std::lock_guard lock(mutex_);
    bool custom = false;
    for (std::size_t i = 0; i < words.size(); ++i) {
      auto word = words[i];
      if (i == 0) {
        if (auto format = protocol::parse_format(word)) {
          format_ = *format;
          continue;
        }
      }
      if (custom) {
        if (restrictions_.events_limited &&
            std::find(restrictions_.subclasses.begin(), restrictions_.subclasses.end(), word) ==
                restrictions_.subclasses.end()) {
          denied = true;
          break;
        }
        if (std::find(subclasses_.begin(), subclasses_.end(), word) == subclasses_.end()) {
          subclasses_.emplace_back(word);
        }
        continue;
      }
      auto type = core::event_type_from_name(word);
      if (!type) continue;
      if (*type == EventType::kAll) {
        if (restrictions_.events_limited && !restrictions_.events.all()) {
          denied = true;
          break;
        }
        any_keyword = true;
        all_events_ = true;
        event_types_.set();
        continue;
      }
      if (restrictions_.events_limited &&
          !restrictions_.events.test(static_cast<std::size_t>(*type))) {
        denied = true;
        break;
      }
      any_keyword = true;
      event_types_.set(static_cast<std::size_t>(*type));
      if (*type == EventType::kCustom) custom = true;
    }
    if (!denied && any_keyword) {
      events_on_ = true;
      events_enabled_fast_ = true;
    }
  }
  if (denied) {
    reply("-ERR permission denied");
    return;
  }
  if (!any_keyword) {
    reply("-ERR no keywords supplied");
    return;
  }
  subscribe_events();
  reply(fmt::format("+OK event listener enabled {}", protocol::format_name(current_format())));
}

protocol::EventFormat Listener::current_format() const {
  std::lock_guard lock(mutex_);
  return format_;
}

void Listener::cmd_nixevent(std::string_view text) {
  auto space = text.find(' ');
  auto words = split_words(space == std::string_view::npos ? std::string_view{}
                                                           : text.substr(space + 1));
  bool any_keyword = false;
  {
    std::lock_guard lock(mutex_);
    bool custom = false;
    for (auto word : words) {
      if (custom) {
        std::erase(subclasses_, std::string(word));
        continue;
      }
      auto type = core::event_type_from_name(word);
      if (!type) continue;
      any_keyword = true;
      if (*type == EventType::kCustom) {
        custom = true;
      } else if (*type == EventType::kAll) {
        event_types_.reset();
        all_events_ = false;
      } else {
        if (all_events_) {
          event_types_.set();
          all_events_ = false;
        }
        event_types_.reset(static_cast<std::size_t>(*type));
      }
    }
    if (any_keyword) {
      events_on_ = true;
      events_enabled_fast_ = true;
    }
  }
  if (!any_keyword) {
    reply("-ERR no keywords supplied");
    return;
  }
  subscribe_events();
  reply("+OK events nixed");
}

void Listener::cmd_noevents() {
  bool was_on;
  {
    std::lock_guard lock(mutex_);
    queue_.drop_events();
    was_on = events_on_;
    if (was_on) {
      events_on_ = false;
      events_enabled_fast_ = false;
      all_events_ = false;
      event_types_.reset();
      subclasses_.clear();
    }
  }
  reply(was_on ? "+OK no longer listening for events" : "-ERR not listening for events");
}

void Listener::cmd_myevents(const protocol::CommandPacket& packet, std::string_view text) {
  auto words = split_words(text.substr(8));
  bool already;
  bool has_session;
  {
    std::lock_guard lock(mutex_);
    already = my_events_;
    has_session = !session_uuid_.empty();
  }
  if (already) {
    reply("-ERR aready enabled.");
    return;
  }
  std::string attach;
  if (!has_session && !words.empty()) {
    std::string_view uuid = words[0];
    bool live = context_.sessions && context_.sessions->is_live(uuid);
    if (live) {
      attach = std::string(uuid);
    } else if (words.size() > 1) {
      reply("-ERR invalid uuid");
      return;
    }
    // Quirk kept: an unknown uuid without a format word still succeeds, unattached, and
    // then passes the listed events of every channel.
  }
  {
    std::lock_guard lock(mutex_);
    if (!attach.empty()) session_uuid_ = attach;
    for (auto type : kMyEventsTypes) event_types_.set(static_cast<std::size_t>(type));
    my_events_ = true;
    events_on_ = true;
    events_enabled_fast_ = true;
    const std::string& raw = packet.raw;
    if (raw.find("xml") != std::string::npos || raw.find("XML") != std::string::npos) {
      format_ = protocol::EventFormat::kXml;
    }
    if (raw.find("json") != std::string::npos || raw.find("JSON") != std::string::npos) {
      format_ = protocol::EventFormat::kJson;
    }
  }
  subscribe_events();
  reply("+OK Events Enabled");
}

void Listener::cmd_divert_events(std::string_view text) {
  bool has_session;
  {
    std::lock_guard lock(mutex_);
    has_session = !session_uuid_.empty();
  }
  if (!has_session) {
    reply("-ERR not controlling a session.");
    return;
  }
  auto value = skip_spaces(text);
  if (value.empty()) {
    reply("-ERR missing value.");
    return;
  }
  bool on = equals_nocase(value, "on");
  divert_events_ = on;
  reply(on ? "+OK events diverted" : "+OK events not diverted");
}

void Listener::cmd_sendmsg(const protocol::CommandPacket& packet, std::string_view text) {
  std::string target(skip_spaces(text));
  std::string controlled;
  {
    std::lock_guard lock(mutex_);
    controlled = session_uuid_;
  }
  if (target.empty()) {
    if (const std::string* sid = packet.header("Session-ID")) target = *sid;
  }
  if (target.empty()) target = controlled;
  if (target.empty() || !context_.sessions || !context_.sessions->is_live(target)) {
    reply(fmt::format("-ERR invalid session id [{}]", target));
    return;
  }
  core::Event message(EventType::kCommand);
  message.add_header("Command", packet.raw);
  for (const auto& h : packet.headers) message.add_header(h.name, h.value);
  if (!packet.body.empty()) message.set_body(packet.body);
  auto result = context_.sessions->queue_message(target, std::move(message));
  reply(result == core::QueueResult::kQueued ? "+OK" : "-ERR memory error");
}

void Listener::cmd_sendevent(const protocol::CommandPacket& packet, std::string_view text) {
  std::string_view name = text;
  while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
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
  if (target && context_.sessions && context_.sessions->is_live(*target)) {
    std::string uuid = *target;
    context_.sessions->queue_event(uuid, std::move(event));
  } else {
    context_.runtime.events().prepare(event);
    context_.runtime.bus().fire(std::move(event));
  }
  reply(fmt::format("+OK {}", event_uuid));
}

void Listener::cmd_log(std::string_view text) {
  if (!logs_allowed_) {
    reply("-ERR permission denied");
    return;
  }
  auto words = split_words(skip_spaces(text));
  std::string_view word = words.empty() ? std::string_view{} : words[0];
  std::optional<int> level = word.empty() ? std::optional<int>(7) : core::parse_log_level(word);
  if (!level) {
    reply("-ERR invalid log level");
    return;
  }
  {
    std::lock_guard lock(mutex_);
    logging_ = true;
    log_level_ = *level;
  }
  if (!logs_subscribed_) {
    logs_subscribed_ = true;
    context_.runtime.log().add_sink(weak_from_this());
  }
  reply(fmt::format("+OK log level {} [{}]", word, *level));
}

void Listener::cmd_nolog() {
  bool was_on;
  {
    std::lock_guard lock(mutex_);
    queue_.drop_logs();
    was_on = logging_;
    logging_ = false;
  }
  reply(was_on ? "+OK no longer logging" : "-ERR not loging");
}

void Listener::cmd_linger(std::string_view text) {
  bool has_session;
  {
    std::lock_guard lock(mutex_);
    has_session = !session_uuid_.empty();
  }
  if (!has_session) {
    reply("-ERR not controlling a session");
    return;
  }
  if (!text.empty() && text.front() == ' ' && !skip_spaces(text).empty()) {
    linger_seconds_ = std::atoi(std::string(skip_spaces(text)).c_str());
    reply(fmt::format("+OK will linger {} seconds", linger_seconds_));
  } else {
    linger_seconds_ = -1;
    reply("+OK will linger");
  }
  lingering_ = true;
}

void Listener::cmd_nolinger() {
  bool has_session;
  {
    std::lock_guard lock(mutex_);
    has_session = !session_uuid_.empty();
  }
  if (!has_session) {
    reply("-ERR not controlling a session");
    return;
  }
  lingering_ = false;
  reply("+OK will not linger");
}

}  // namespace es::eventsocket
