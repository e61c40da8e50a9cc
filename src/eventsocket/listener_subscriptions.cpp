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

using core::EventType;

// The event types `myevents` turns on (docs/wire-protocol.md §5.6).
constexpr EventType kMyEventsTypes[] = {EventType::kChannelAnswer,
                                        EventType::kChannelApplication,
                                        EventType::kChannelBridge,
                                        EventType::kChannelCreate,
                                        EventType::kChannelData,
                                        EventType::kChannelDestroy,
                                        EventType::kChannelExecute,
                                        EventType::kChannelExecuteComplete,
                                        EventType::kChannelHangup,
                                        EventType::kChannelHangupComplete,
                                        EventType::kChannelOriginate,
                                        EventType::kChannelUuid,
                                        EventType::kChannelOutgoing,
                                        EventType::kChannelPark,
                                        EventType::kChannelProgress,
                                        EventType::kChannelProgressMedia,
                                        EventType::kChannelState,
                                        EventType::kChannelUnbridge,
                                        EventType::kChannelUnpark,
                                        EventType::kDetectedSpeech,
                                        EventType::kDtmf,
                                        EventType::kNotalk,
                                        EventType::kTalk};

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
        filters_.clear();
      } else {
        filters_.remove(header, value);
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
    full = filters_.size() >= context_.settings.max_filters;
    if (!full) filters_.add(header, value);
  }
  if (full) {
    reply(fmt::format("-ERR too many filters (at most {})", context_.settings.max_filters));
    return;
  }
  // A regex filter is checked before delivery, outside the bus's dispatch lock.
  if (bus_subscription_ != 0) subscribe_events();
  reply(fmt::format("+OK filter added. [{}]=[{}]", header, value));
}

void Listener::cmd_event(std::string_view text) {
  auto space = text.find(' ');
  auto words =
      split_words(space == std::string_view::npos ? std::string_view{} : text.substr(space + 1));
  bool any_keyword = false;
  bool denied = false;
  bool too_many = false;
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
          if (subclasses_.size() >= context_.settings.max_subclasses) {
            too_many = true;
            break;
          }
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
    if (!denied && !too_many && any_keyword) {
      events_on_ = true;
      events_enabled_fast_ = true;
    }
  }
  if (denied) {
    reply("-ERR permission denied");
    return;
  }
  if (too_many) {
    subscribe_events();
    reply(fmt::format("-ERR too many event subclasses (at most {})",
                      context_.settings.max_subclasses));
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
  auto words =
      split_words(space == std::string_view::npos ? std::string_view{} : text.substr(space + 1));
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
  if (bus_subscription_) subscribe_events();
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
    std::shared_ptr<void> hold;
    if (context_.sessions) {
      std::weak_ptr<Listener> weak = shared_from_this();
      hold = context_.sessions->attach(uuid, [weak] {
        if (auto self = weak.lock()) {
          asio::post(self->strand_, [self] { self->on_session_hangup(); });
        }
      });
    }
    if (hold) {
      attach = std::string(uuid);
      session_hold_ = std::move(hold);
      core::Event probe(core::EventType::kChannelData);
      if (context_.runtime.channel_event_data && context_.runtime.channel_event_data(uuid, probe)) {
        if (const std::string* name = probe.header("Channel-Name")) session_channel_name_ = *name;
      }
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
  bool on = protocol::iequals(value, "on");
  divert_events_ = on;
  if (context_.sessions) {
    std::function<bool(core::Event&)> sink;
    if (on) {
      std::weak_ptr<Listener> weak = weak_from_this();
      sink = [weak](core::Event& event) {
        auto self = weak.lock();
        return self && self->take_diverted_event(event);
      };
    }
    context_.sessions->set_event_divert(controlled_uuid(), std::move(sink));
  }
  reply(on ? "+OK events diverted" : "+OK events not diverted");
}

bool Listener::take_diverted_event(core::Event& event) {
  bool was_empty = false;
  {
    std::lock_guard lock(mutex_);
    if (!events_on_ || killed_ || !event_allowed_locked(event)) return false;
    was_empty = queue_.empty();
    auto fired = std::make_shared<const core::FiredEvent>(std::move(event));
    if (!queue_.try_push_event(fired, format_)) {
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
    // atoi in FreeSWITCH; here a huge number saturates at INT_MAX seconds instead of wrapping.
    linger_seconds_ = text::c_atoi(text);
    reply(fmt::format("+OK will linger {} seconds", linger_seconds_));
  } else {
    linger_seconds_ = -1;
    reply("+OK will linger");
  }
  lingering_ = true;
}

void Listener::on_session_hangup() {
  if (closing_) return;
  if (command_running_) {
    hangup_pending_ = true;
    return;
  }
  std::string uuid;
  {
    std::lock_guard lock(mutex_);
    uuid = session_uuid_;
  }
  if (!lingering_) {
    finish(protocol::kGoodbyeText);
    return;
  }
  send(protocol::linger_notice(uuid, session_channel_name_, linger_seconds_));
  if (linger_seconds_ > 0) {
    // FreeSWITCH ends the connection once the time is strictly past the deadline (seconds).
    linger_deadline_ =
        std::chrono::steady_clock::now() + std::chrono::seconds(std::int64_t{linger_seconds_} + 1);
    rearm_watchdog();
  }
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
