#include "gateway/upstream_subscription.hpp"

namespace es::gateway {
namespace {

using core::EventType;

constexpr auto kCustomBit = static_cast<std::size_t>(EventType::kCustom);
constexpr auto kAllBit = static_cast<std::size_t>(EventType::kAll);

// Every event type but the ALL pseudo-type.
core::EventBus::Interest every_type() {
  core::EventBus::Interest types;
  types.set();
  types.reset(kAllBit);
  return types;
}

void append_word(std::string& text, std::string_view word) {
  if (!text.empty()) text.push_back(' ');
  text.append(word);
}

// Type names in the order of the enumeration, CUSTOM left out (it goes before the subclasses).
std::string type_words(const core::EventBus::Interest& types) {
  std::string text;
  for (std::size_t i = 0; i < types.size(); ++i) {
    if (i == kCustomBit || i == kAllBit || !types.test(i)) continue;
    append_word(text, core::event_type_name(static_cast<EventType>(i)));
  }
  return text;
}

// "<types> CUSTOM <subclasses>" (CUSTOM only when asked for or needed by the subclasses).
std::string command_words(const core::EventBus::Interest& types,
                          const std::set<std::string>& subclasses) {
  std::string text = type_words(types);
  if (types.test(kCustomBit) || !subclasses.empty()) {
    append_word(text, "CUSTOM");
    for (const std::string& subclass : subclasses) append_word(text, subclass);
  }
  return text;
}

std::set<std::string> minus(const std::set<std::string>& a, const std::set<std::string>& b) {
  std::set<std::string> result;
  for (const std::string& item : a) {
    if (!b.contains(item)) result.insert(item);
  }
  return result;
}

std::set<std::string> both(const std::set<std::string>& a, const std::set<std::string>& b) {
  std::set<std::string> result;
  for (const std::string& item : a) {
    if (b.contains(item)) result.insert(item);
  }
  return result;
}

}  // namespace

std::size_t EventSet::size() const {
  if (all) return static_cast<std::size_t>(core::kEventTypeCount - 1);
  return types.count() + subclasses.size();
}

std::string EventSet::words() const {
  return all ? std::string("ALL") : command_words(types, subclasses);
}

core::EventBus::Interest gateway_needs() {
  core::EventBus::Interest needs;
  needs.set(static_cast<std::size_t>(EventType::kBackgroundJob));
  needs.set(static_cast<std::size_t>(EventType::kChannelCreate));
  needs.set(static_cast<std::size_t>(EventType::kChannelDestroy));
  return needs;
}

std::optional<core::EventType> gateway_need_named(std::string_view event_name) {
  if (event_name == "BACKGROUND_JOB") return EventType::kBackgroundJob;
  if (event_name == "CHANNEL_CREATE") return EventType::kChannelCreate;
  if (event_name == "CHANNEL_DESTROY") return EventType::kChannelDestroy;
  return std::nullopt;
}

EventSet wanted_upstream(const core::EventBus::Demand& demand, SubscriptionMode mode) {
  EventSet wanted;
  if (mode == SubscriptionMode::kAll || demand.types.test(kAllBit) || demand.any_subclass ||
      demand.subclasses.size() > kMaxUpstreamSubclasses) {
    wanted.all = true;
    return wanted;
  }
  wanted.types = demand.types | gateway_needs();
  wanted.subclasses.insert(demand.subclasses.begin(), demand.subclasses.end());
  if (!wanted.subclasses.empty()) wanted.types.set(kCustomBit);
  return wanted;
}

SubscriptionStep plan_step(const EventSet& current, const EventSet& wanted,
                           const EventSet& removable) {
  SubscriptionStep step;
  step.after = current;
  if (wanted.all) {
    if (!current.all) {
      step.add = "ALL";
      step.after.all = true;
    }
    return step;
  }
  const std::set<std::string> add_subclasses = minus(wanted.subclasses, current.subclasses);
  const std::set<std::string> drop_subclasses =
      both(minus(current.subclasses, wanted.subclasses), removable.subclasses);
  core::EventBus::Interest add_types;
  core::EventBus::Interest drop_types;
  if (current.all) {
    // Leaving ALL: every type not wanted is nixed one by one (the upstream turns the others on
    // as it drops ALL), so nothing wanted is missed in between.
    if (removable.all) drop_types = every_type() & ~wanted.types;
    drop_types.reset(kCustomBit);
    if (drop_types.none()) {
      // Nothing to leave ALL for; subclasses do not matter under ALL.
      return step;
    }
    step.after.all = false;
    step.after.types = every_type() & ~drop_types;
  } else {
    add_types = wanted.types & ~current.types;
    // nixevent CUSTOM only switches to subclasses (FreeSWITCH keeps the type on): CUSTOM stays.
    drop_types = current.types & ~wanted.types & removable.types;
    drop_types.reset(kCustomBit);
    step.after.types = (current.types | add_types) & ~drop_types;
  }
  if (add_types.any() || !add_subclasses.empty()) {
    step.add = command_words(add_types, add_subclasses);
    step.after.subclasses.insert(add_subclasses.begin(), add_subclasses.end());
  }
  std::string remove = type_words(drop_types);
  if (!drop_subclasses.empty()) {
    append_word(remove, "CUSTOM");
    for (const std::string& subclass : drop_subclasses) {
      append_word(remove, subclass);
      step.after.subclasses.erase(subclass);
    }
  }
  step.remove = std::move(remove);
  return step;
}

EventSet SurplusClock::removable(const EventSet& current, const EventSet& wanted,
                                 Clock::time_point now, Clock::duration delay) {
  EventSet due;
  auto tick = [&](std::optional<Clock::time_point>& since, bool surplus) {
    if (!surplus) {
      since.reset();
      return false;
    }
    if (!since) since = now;
    return now - *since >= delay;
  };
  due.all = tick(all_since_, current.all && !wanted.all);
  for (std::size_t i = 0; i < type_since_.size(); ++i) {
    // CUSTOM cannot be nixed (see plan_step); under ALL, the types go with ALL.
    const bool surplus = !current.all && i != kCustomBit && i != kAllBit && current.types.test(i) &&
                         !wanted.types.test(i);
    if (tick(type_since_[i], surplus)) due.types.set(i);
  }
  if (current.all && wanted.all) {
    // Under ALL to stay, subclasses do not matter.
    subclass_since_.clear();
    return due;
  }
  std::erase_if(subclass_since_, [&](const auto& entry) {
    return !current.subclasses.contains(entry.first) || wanted.subclasses.contains(entry.first);
  });
  for (const std::string& subclass : current.subclasses) {
    if (wanted.subclasses.contains(subclass)) continue;
    const Clock::time_point since = subclass_since_.try_emplace(subclass, now).first->second;
    if (now - since >= delay) due.subclasses.insert(subclass);
  }
  return due;
}

bool SurplusClock::pending() const {
  if (all_since_ || !subclass_since_.empty()) return true;
  for (const auto& since : type_since_) {
    if (since) return true;
  }
  return false;
}

void SurplusClock::clear() {
  all_since_.reset();
  type_since_.fill(std::nullopt);
  subclass_since_.clear();
}

}  // namespace es::gateway
