// What one client asked to receive (event, nixevent, noevents, myevents, filter, the format) and
// what userauth allows it (esl-allowed-events), with the one question publishers ask of it:
// accepts(event). Not thread-safe: the listener guards it with its mutex, because publishers
// read it from any thread while the listener's commands change it.
#pragma once

#include <bitset>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.hpp"
#include "core/event_bus.hpp"
#include "core/event_serializer.hpp"
#include "core/event_type.hpp"
#include "eventsocket/event_filter.hpp"
#include "protocol/frames.hpp"

namespace es::eventsocket {

// The word that asks for JSON with number-like header values as numbers, where `event` and
// `myevents` take a format word (an eventswitch extension; FreeSWITCH skips the word).
inline constexpr std::string_view kJsonNumericWord = "json-numeric";

// esl-allowed-events of a userauth user: set once, before any event.
struct EventRestrictions {
  bool events_limited = false;
  std::bitset<core::kEventTypeCount> events;
  std::vector<std::string> subclasses;
};

class EventSubscription {
 public:
  enum class Change { kApplied, kNoKeywords, kDenied, kTooManySubclasses };

  // `event [format] <types...> [CUSTOM <subclasses...>]`. The words before a refused one stay
  // applied, as in FreeSWITCH; events turn on only when all words were taken.
  Change add_events(const std::vector<std::string_view>& words, std::size_t max_subclasses);
  // `nixevent <types...> [CUSTOM <subclasses...>]`; false when no word named an event type.
  bool remove_events(const std::vector<std::string_view>& words);
  // `noevents`: off, and every type and subclass forgotten; false if events were not on.
  bool clear();
  // `myevents [uuid]`: the channel events of one call (`uuid` empty: of every call that has a
  // Unique-ID, FreeSWITCH's quirk for an unknown uuid).
  // `session_heartbeat`: SESSION_HEARTBEAT as well (an outbound socket's myevents; FreeSWITCH
  // issue 1024, docs/wire-protocol.md §5.6).
  void add_my_events(std::string_view uuid, bool session_heartbeat = false);
  bool my_events() const { return my_events_; }
  // The controlled call whose events myevents passes (empty: none).
  const std::string& scope_uuid() const { return scope_uuid_; }
  void set_scope_uuid(std::string_view uuid) { scope_uuid_ = uuid; }

  void restrict(EventRestrictions restrictions) { restrictions_ = std::move(restrictions); }
  // esl-allowed-events lets the event through (it bounds every path: event, myevents, filters).
  bool allowed(const core::Event& event) const;

  bool on() const { return on_; }
  void turn_off() { on_ = false; }
  protocol::EventFormat format() const { return format_; }
  // Sets the format; JSON takes the server's default for number-like values.
  void set_format(protocol::EventFormat format) {
    format_ = format;
    json_values_ = json_default_;
  }
  // `json-numeric` in place of a format word: JSON whose number-like header values are numbers
  // (docs/event-formats.md §4.5), whatever the server's default.
  void set_json_numeric() {
    format_ = protocol::EventFormat::kJson;
    json_values_ = core::JsonValues::kNumbers;
  }
  // How JSON frames write header values (only read when format() is JSON).
  core::JsonValues json_values() const { return json_values_; }
  // json-numeric-headers of event_socket.conf: what a plain `json` format word means.
  void set_json_default(core::JsonValues values) { json_default_ = values; }
  // The format as the `event` reply and the listeners list name it: plain, json, json-numeric
  // or xml.
  std::string_view format_word() const;
  EventFilters& filters() { return filters_; }
  const EventFilters& filters() const { return filters_; }

  // Types, subclasses, myevents and esl-allowed-events, without the filters.
  bool subscribed(const core::Event& event) const;
  // The whole verdict for an event while on; `precheck_token` may carry the filters' verdict
  // taken by precheck() outside the bus's lock (0: none, the filters run here).
  bool accepts(const core::Event& event, std::uint64_t precheck_token = 0) const;
  // The filters' verdict for an event the subscription takes, tagged with the filter set's
  // generation (a token from an older set is ignored); 0 when there is nothing to precheck.
  std::uint64_t precheck(const core::Event& event) const;

  // What the bus needs to know: the types that can pass (none while off), and whether the
  // filters are worth a precheck (regular expressions).
  core::EventBus::Interest interest() const;
  // The CUSTOM subclasses that interest stands for (nullopt with ALL: every one).
  core::EventBus::Subclasses subclass_interest() const;
  bool wants_precheck() const { return filters_.has_regex(); }
  // The subscribed types and subclasses as `event_socket` lists them ("ALL" for all).
  std::string describe() const;

 private:
  bool on_ = false;
  bool all_events_ = false;
  bool my_events_ = false;
  protocol::EventFormat format_ = protocol::EventFormat::kPlain;
  core::JsonValues json_values_ = core::JsonValues::kStrings;
  core::JsonValues json_default_ = core::JsonValues::kStrings;
  std::bitset<core::kEventTypeCount> types_;
  std::vector<std::string> subclasses_;
  std::string scope_uuid_;
  EventFilters filters_;
  EventRestrictions restrictions_;
};

}  // namespace es::eventsocket
