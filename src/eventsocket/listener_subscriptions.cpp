// Subscription and session-state commands: filter, event, nixevent, noevents, myevents,
// divert_events, log, nolog, linger, nolinger (docs/wire-protocol.md §5.2-5.7, §5.12-5.17).
#include <fmt/format.h>
#include <asio/post.hpp>

#include "core/text/text.hpp"
#include "eventsocket/command_text.hpp"
#include "eventsocket/listener.hpp"
#include "protocol/header_fields.hpp"

namespace es::eventsocket {
namespace {

// The words after the command's own word (`event plain ALL` -> plain, ALL).
std::vector<std::string_view> words_after_command(std::string_view text) {
  auto space = text.find(' ');
  return split_words(space == std::string_view::npos ? std::string_view{} : text.substr(space + 1));
}

}  // namespace

void Listener::cmd_filter(std::string_view text) {
  text = skip_spaces(text);
  bool add_form = false;
  if (protocol::istarts_with(text, "delete")) {
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
        subscription_.filters().clear();
      } else {
        subscription_.filters().remove(header, value);
      }
    }
    if (bus_subscription_ != 0) subscribe_events();  // regex filters may be gone
    reply(fmt::format("+OK filter deleted. [{}][{}]", header, value));
    return;
  }
  if (protocol::istarts_with(text, "add ")) {
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
  bool full = false;
  {
    std::lock_guard lock(mutex_);
    full = subscription_.filters().size() >= context_.settings.max_filters;
    if (!full) subscription_.filters().add(header, value);
  }
  if (full) {
    reply(fmt::format("-ERR too many filters (at most {})", context_.settings.max_filters));
    return;
  }
  // A regex filter is checked before delivery, outside the bus's dispatch lock.
  if (bus_subscription_ != 0) subscribe_events();
  reply(fmt::format("+OK filter added. [{}]=[{}]", header, value));
}

asio::awaitable<void> Listener::cmd_event(std::string_view text) {
  EventSubscription::Change change;
  {
    std::lock_guard lock(mutex_);
    change = subscription_.add_events(words_after_command(text), context_.settings.max_subclasses);
    if (subscription_.on()) events_enabled_fast_ = true;
  }
  switch (change) {
    case EventSubscription::Change::kDenied:
      reply("-ERR permission denied");
      co_return;
    case EventSubscription::Change::kTooManySubclasses:
      subscribe_events();
      reply(fmt::format("-ERR too many event subclasses (at most {})",
                        context_.settings.max_subclasses));
      co_return;
    case EventSubscription::Change::kNoKeywords:
      reply("-ERR no keywords supplied");
      co_return;
    case EventSubscription::Change::kApplied:
      break;
  }
  subscribe_events();
  co_await await_upstream_subscription();
  // The format is written only here, on the strand: reading it needs no lock.
  reply(fmt::format("+OK event listener enabled {}", subscription_.format_word()));
}

void Listener::cmd_nixevent(std::string_view text) {
  bool any_keyword;
  {
    std::lock_guard lock(mutex_);
    any_keyword = subscription_.remove_events(words_after_command(text));
    if (any_keyword) events_enabled_fast_ = true;
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
    was_on = subscription_.clear();
    if (was_on) events_enabled_fast_ = false;
  }
  if (bus_subscription_) subscribe_events();
  reply(was_on ? "+OK no longer listening for events" : "-ERR not listening for events");
}

asio::awaitable<void> Listener::cmd_myevents(const protocol::CommandPacket& packet,
                                             std::string_view text) {
  auto words = split_words(text.substr(8));
  if (subscription_.my_events()) {
    reply("-ERR aready enabled.");
    co_return;
  }
  std::string attach;
  if (controlled_uuid_.empty() && !words.empty()) {
    std::string_view uuid = words[0];
    core::UpstreamGateway* gateway = context_.runtime.upstream_gateway();
    if (attach_session(uuid)) {
      attach = std::string(uuid);
      controlled_uuid_ = attach;
    } else if (gateway != nullptr && gateway->owns_channel(std::string(uuid))) {
      // An upstream's channel: scoped to its events, but not controlled from here (its
      // hangup is the upstream's business; no linger, resume or getvar).
      attach = std::string(uuid);
    } else if (words.size() > 1) {
      reply("-ERR invalid uuid");
      co_return;
    }
    // Quirk kept: an unknown uuid without a format word still succeeds, unattached, and
    // then passes the listed events of every channel.
  }
  {
    std::lock_guard lock(mutex_);
    subscription_.add_my_events(attach, outbound_ != nullptr);
    events_enabled_fast_ = true;
    const std::string& raw = packet.raw;
    if (raw.find("xml") != std::string::npos || raw.find("XML") != std::string::npos) {
      subscription_.set_format(protocol::EventFormat::kXml);
    }
    if (raw.find("json") != std::string::npos || raw.find("JSON") != std::string::npos) {
      subscription_.set_format(protocol::EventFormat::kJson);
    }
    if (raw.find(kJsonNumericWord) != std::string::npos) subscription_.set_json_numeric();
  }
  subscribe_events();
  co_await await_upstream_subscription();
  reply("+OK Events Enabled");
}

void Listener::cmd_divert_events(std::string_view text) {
  if (controlled_uuid_.empty()) {
    reply("-ERR not controlling a session.");
    return;
  }
  auto value = skip_spaces(text);
  if (value.empty()) {
    reply("-ERR missing value.");
    return;
  }
  bool on = protocol::iequals(value, "on");
  divert_events_ = on;
  if (core::SessionControl* sessions = context_.runtime.session_control()) {
    std::function<bool(core::Event&)> sink;
    if (on) {
      std::weak_ptr<Listener> weak = weak_from_this();
      sink = [weak](core::Event& event) {
        auto self = weak.lock();
        return self && self->take_diverted_event(event);
      };
    }
    sessions->set_event_divert(controlled_uuid_, std::move(sink));
  }
  reply(on ? "+OK events diverted" : "+OK events not diverted");
}

bool Listener::take_diverted_event(core::Event& event) {
  bool was_empty = false;
  {
    std::lock_guard lock(mutex_);
    if (!subscription_.on() || killed_ || !subscription_.allowed(event)) return false;
    was_empty = queue_.empty();
    auto fired =
        std::make_shared<const core::FiredEvent>(std::move(event), core::FrameOrder::kAsFired);
    if (!queue_.try_push_event(fired, subscription_.format(), subscription_.json_values())) {
      event = fired->event();
      return false;
    }
  }
  if (was_empty) wake_writer();
  return true;
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
  if (controlled_uuid_.empty()) {
    reply("-ERR not controlling a session");
    return;
  }
  if (!text.empty() && text.front() == ' ' && !skip_spaces(text).empty()) {
    // atoi in FreeSWITCH; here a huge number saturates at INT_MAX seconds instead of wrapping.
    linger_seconds_ = text::c_atoi(text);
    reply(fmt::format("+OK will linger {} seconds", linger_seconds_));
  } else {
    linger_seconds_ = -1;
    reply("+OK will linger");
  }
  linger_requested_ = true;
}

void Listener::on_session_hangup() {
  if (closing()) return;
  if (command_running_) {
    hangup_pending_ = true;
    return;
  }
  // FreeSWITCH's lingering listener notices the hangup on its own thread, by which time the
  // call's thread has fired everything up to CHANNEL_HANGUP_COMPLETE. A static socket runs on
  // the call's thread and holds those back, so its notice comes at once.
  bool static_outbound = outbound_ && !outbound_->async;
  if (linger_requested_ && !static_outbound && !session_reported_) {
    linger_waits_for_report_ = true;
    return;
  }
  close(linger_requested_ ? CloseType::kCloseAfterDelay : CloseType::kFlushThenClose,
        protocol::kGoodbyeText);
}

void Listener::on_session_reported() {
  session_reported_ = true;
  if (!linger_waits_for_report_ || closing()) return;
  linger_waits_for_report_ = false;
  close(CloseType::kCloseAfterDelay, protocol::kGoodbyeText);
}

void Listener::linger_then_close() {
  if (state_ != ListenerState::kOpen) return;
  state_ = ListenerState::kLingering;
  send(protocol::linger_notice(controlled_uuid_, session_channel_name_, linger_seconds_));
  if (linger_seconds_ > 0) {
    // FreeSWITCH ends the connection once the time is strictly past the deadline (seconds).
    deadlines_.arm(Deadline::kLinger, std::chrono::steady_clock::now() +
                                          std::chrono::seconds(std::int64_t{linger_seconds_} + 1));
    rearm_watchdog();
  }
}

void Listener::cmd_nolinger() {
  if (controlled_uuid_.empty()) {
    reply("-ERR not controlling a session");
    return;
  }
  linger_requested_ = false;
  reply("+OK will not linger");
}

}  // namespace es::eventsocket
