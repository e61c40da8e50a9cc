#include "eventsocket/event_subscription.hpp"

#include <algorithm>

#include "protocol/ascii.hpp"

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

// A precheck token: the filters' generation above two verdict bits (0 means no verdict).
constexpr std::uint64_t kFiltersFail = 1;
constexpr std::uint64_t kFiltersPass = 2;

bool contains(const std::vector<std::string>& list, std::string_view word) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

}  // namespace

EventSubscription::Change EventSubscription::add_events(const std::vector<std::string_view>& words,
                                                        std::size_t max_subclasses) {
  bool any_keyword = false;
  bool custom = false;
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::string_view word = words[i];
    if (i == 0) {
      if (auto format = protocol::parse_format(word)) {
        set_format(*format);
        continue;
      }
      if (protocol::iequals(word, kJsonNumericWord)) {
        set_json_numeric();
        continue;
      }
    }
    if (custom) {
      if (restrictions_.events_limited && !contains(restrictions_.subclasses, word)) {
        return Change::kDenied;
      }
      if (!contains(subclasses_, word)) {
        if (subclasses_.size() >= max_subclasses) return Change::kTooManySubclasses;
        subclasses_.emplace_back(word);
      }
      continue;
    }
    auto type = core::event_type_from_name(word);
    if (!type) continue;
    if (*type == EventType::kAll) {
      if (restrictions_.events_limited && !restrictions_.events.all()) return Change::kDenied;
      any_keyword = true;
      all_events_ = true;
      types_.set();
      continue;
    }
    if (restrictions_.events_limited &&
        !restrictions_.events.test(static_cast<std::size_t>(*type))) {
      return Change::kDenied;
    }
    any_keyword = true;
    types_.set(static_cast<std::size_t>(*type));
    if (*type == EventType::kCustom) custom = true;
  }
  if (!any_keyword) return Change::kNoKeywords;
  on_ = true;
  return Change::kApplied;
}

bool EventSubscription::remove_events(const std::vector<std::string_view>& words) {
  bool any_keyword = false;
  bool custom = false;
  for (std::string_view word : words) {
    if (custom) {
      std::erase(subclasses_, word);
      continue;
    }
    auto type = core::event_type_from_name(word);
    if (!type) continue;
    any_keyword = true;
    if (*type == EventType::kCustom) {
      custom = true;
    } else if (*type == EventType::kAll) {
      types_.reset();
      all_events_ = false;
    } else {
      if (all_events_) {
        types_.set();
        all_events_ = false;
      }
      types_.reset(static_cast<std::size_t>(*type));
    }
  }
  if (any_keyword) on_ = true;
  return any_keyword;
}

bool EventSubscription::clear() {
  if (!on_) return false;
  on_ = false;
  all_events_ = false;
  types_.reset();
  subclasses_.clear();
  return true;
}

void EventSubscription::add_my_events(std::string_view uuid, bool session_heartbeat) {
  if (!uuid.empty()) scope_uuid_ = uuid;
  for (auto type : kMyEventsTypes) types_.set(static_cast<std::size_t>(type));
  if (session_heartbeat) types_.set(static_cast<std::size_t>(EventType::kSessionHeartbeat));
  my_events_ = true;
  on_ = true;
}

bool EventSubscription::allowed(const core::Event& event) const {
  // ALL in the list: everything, custom subclasses included (as `event ALL` delivers them).
  if (!restrictions_.events_limited || restrictions_.events.all()) return true;
  if (!restrictions_.events.test(static_cast<std::size_t>(event.type()))) return false;
  if (event.type() == EventType::kCustom && !event.subclass().empty()) {
    return contains(restrictions_.subclasses, event.subclass());
  }
  return true;
}

bool EventSubscription::subscribed(const core::Event& event) const {
  if (!allowed(event)) return false;
  if (!all_events_) {
    auto type = event.type();
    if (!types_.test(static_cast<std::size_t>(type))) return false;
    if (type == EventType::kCustom && !event.subclass().empty() &&
        !contains(subclasses_, event.subclass())) {
      return false;
    }
  }
  if (my_events_) {
    const std::string* uuid = event.header("Unique-ID");
    if (!scope_uuid_.empty()) {
      const std::string* owner = event.header("Job-Owner-UUID");
      bool mine = (uuid && *uuid == scope_uuid_) || (owner && *owner == scope_uuid_);
      if (!mine) return false;
    } else if (!uuid) {
      return false;
    }
  }
  return true;
}

bool EventSubscription::accepts(const core::Event& event, std::uint64_t precheck_token) const {
  if (!on_ || !subscribed(event)) return false;
  if (filters_.empty()) return true;
  // A verdict taken under an older filter set is ignored (the filters changed meanwhile).
  if (precheck_token != 0 && (precheck_token >> 2) == filters_.generation()) {
    return (precheck_token & kFiltersPass) != 0;
  }
  return filters_.passes(event);
}

std::uint64_t EventSubscription::precheck(const core::Event& event) const {
  if (!on_ || filters_.empty() || !subscribed(event)) return 0;
  bool pass = filters_.passes(event);
  return (filters_.generation() << 2) | (pass ? kFiltersPass : kFiltersFail);
}

core::EventBus::Interest EventSubscription::interest() const {
  core::EventBus::Interest interest;
  if (!on_) return interest;
  if (all_events_) {
    interest.set();
  } else {
    interest = types_;
    if (!subclasses_.empty()) interest.set(static_cast<std::size_t>(EventType::kCustom));
  }
  return interest;
}

core::EventBus::Subclasses EventSubscription::subclass_interest() const {
  if (all_events_) return std::nullopt;
  return subclasses_;
}

std::string_view EventSubscription::format_word() const {
  if (format_ == protocol::EventFormat::kJson && json_values_ == core::JsonValues::kNumbers) {
    return kJsonNumericWord;
  }
  return protocol::format_name(format_);
}

std::string EventSubscription::describe() const {
  std::string text;
  if (all_events_) {
    text = "ALL";
  } else {
    for (int i = 0; i < core::kEventTypeCount; ++i) {
      if (!types_.test(static_cast<std::size_t>(i))) continue;
      if (!text.empty()) text += ' ';
      text += core::event_type_name(static_cast<EventType>(i));
    }
  }
  for (const auto& subclass : subclasses_) {
    if (!text.empty()) text += ' ';
    text += subclass;
  }
  return text;
}

}  // namespace es::eventsocket
