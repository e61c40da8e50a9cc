// What the gateway asks one upstream for (docs/gateway.md, "Subscription"): by default the union
// of what the local subscribers want plus what the gateway needs itself, or ALL. Pure logic: the
// set, the commands that move an upstream from one set to another, and the hysteresis that keeps
// a no longer wanted item subscribed for a while. No I/O.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "core/event_bus.hpp"
#include "core/event_type.hpp"
#include "gateway/gateway_options.hpp"

namespace es::gateway {

// Beyond this many CUSTOM subclasses in the union, an upstream is asked for ALL instead (one
// command line stays short, and so many subclasses are as good as all of them).
inline constexpr std::size_t kMaxUpstreamSubclasses = 1000;

// A set of events as the event socket's `event` command names them.
struct EventSet {
  bool all = false;
  core::EventBus::Interest types;  // never has the ALL bit; see `all`
  std::set<std::string> subclasses;

  // Event types plus subclasses; ALL counts every event type.
  std::size_t size() const;
  // The words of an `event` command for it ("ALL", or types then "CUSTOM <subclasses>").
  std::string words() const;
  bool operator==(const EventSet&) const = default;
};

// The event types the gateway subscribes to for itself: BACKGROUND_JOB (a client's bgapi result
// is routed by its Job-UUID) and CHANNEL_CREATE / CHANNEL_DESTROY (which upstream owns a uuid).
core::EventBus::Interest gateway_needs();
// Which of those an upstream event's Event-Name is (nullopt: none); three comparisons, for the
// path of every event.
std::optional<core::EventType> gateway_need_named(std::string_view event_name);

// What an upstream should be subscribed to, given the local subscribers' demand.
EventSet wanted_upstream(const core::EventBus::Demand& demand, SubscriptionMode mode);

// One step from what an upstream is subscribed to toward what is wanted: additions always,
// removals only of what `removable` holds. `add` and `remove` are the arguments of an
// `event plain` and a `nixevent` command (empty: no command); `after` is the upstream's set once
// both are applied.
struct SubscriptionStep {
  std::string add;
  std::string remove;
  EventSet after;
};
SubscriptionStep plan_step(const EventSet& current, const EventSet& wanted,
                           const EventSet& removable);

// The hysteresis: since when each subscribed item has been unwanted. An item is removable once
// it has been unwanted for the whole delay; wanted again meanwhile, its clock restarts.
class SurplusClock {
 public:
  using Clock = std::chrono::steady_clock;
  EventSet removable(const EventSet& current, const EventSet& wanted, Clock::time_point now,
                     Clock::duration delay);
  // Whether anything is waiting out its delay.
  bool pending() const;
  void clear();

 private:
  std::optional<Clock::time_point> all_since_;
  std::array<std::optional<Clock::time_point>, core::kEventTypeCount> type_since_{};
  std::map<std::string, Clock::time_point> subclass_since_;
};

}  // namespace es::gateway
