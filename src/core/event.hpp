// An event: type, optional CUSTOM subclass, ordered headers (duplicates allowed, lookup
// case-insensitive, first wins) and an optional body (docs/event-formats.md §1).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/event_type.hpp"
#include "protocol/ascii.hpp"

namespace es::core {

struct EventHeader {
  std::string name;
  std::string value;  // array headers hold their "ARRAY::a|:b" string form
  // Elements of an array header (empty for a plain header). JSON and XML print these; the
  // plain form prints `value`, which FreeSWITCH does not always redraw (see add_header).
  std::vector<std::string> array;

  bool is_array() const { return !array.empty(); }
};

// FreeSWITCH compares header names ASCII case-insensitively.
inline bool header_name_equals(std::string_view a, std::string_view b) {
  return protocol::iequals(a, b);
}

class Event {
 public:
  // Header slots an event starts with: the 13 standard headers (EventFactory::prepare) and
  // the few an event of its own adds.
  static constexpr std::size_t kReservedHeaders = 24;

  // A subclass is only kept for CUSTOM and CLONE events (FreeSWITCH refuses it otherwise); it
  // adds an Event-Subclass header. CLONE is a scratch event: its type reads as CUSTOM.
  explicit Event(EventType type, std::string_view subclass = {});

  EventType type() const { return type_; }
  void set_type(EventType type);
  const std::string& subclass() const { return subclass_; }
  // Deletes every Event-Subclass header and appends a new one at the end.
  void set_subclass(std::string_view subclass);

  // REQUEST_PARAMS, CHANNEL_DATA and MESSAGE: adding a header first deletes its namesakes.
  bool unique_headers() const { return unique_headers_; }

  // Appends a header. An empty value deletes the headers of that name instead (FreeSWITCH
  // events never hold empty values). "_body" also sets the body. A value "ARRAY::a|:b" makes
  // an array header (its elements are pushed one by one, so onto an existing namesake). A
  // name "Foo[3]" sets element 3 (0..4000) of array header Foo, filling gaps with empty
  // strings; replacing an existing element does not redraw the string form (FreeSWITCH quirk).
  void add_header(std::string_view name, std::string_view value);
  // Inserts a header at the front (used for the delivery copy's Event-Subclass).
  void add_header_front(std::string_view name, std::string_view value);
  // Append / prepend an element to the first header of that name, turning it into an array;
  // without such a header this creates a one-element array header at the end.
  void push_header(std::string_view name, std::string_view value);
  void unshift_header(std::string_view name, std::string_view value);
  // First header of that name (case-insensitive) or nullptr.
  const std::string* header(std::string_view name) const;
  // Deletes headers of that name; with a value, only those whose value equals it.
  void del_header(std::string_view name, std::optional<std::string_view> value = std::nullopt);
  const std::vector<EventHeader>& headers() const { return headers_; }

  bool has_body() const { return body_.has_value(); }
  const std::string& body() const;  // empty string when there is none
  void set_body(std::string body) { body_ = std::move(body); }
  void clear_body() { body_.reset(); }

  // The copy FreeSWITCH hands to socket listeners: with a subclass, Event-Subclass moves
  // to the first position (docs/event-formats.md §1, "Copying"). Array headers are re-pushed as the
  // copy does, which merges them into an earlier header of the same name.
  void move_subclass_header_first();
  // Whether that copy differs from this event (a subclass not yet first, or an array header).
  bool listener_copy_reorders() const;

 private:
  enum class Stack { kBottom, kTop, kPush, kUnshift };
  void add(Stack stack, std::string_view name, std::string_view value);
  void add_array(std::string_view name, std::string_view value);
  EventHeader* find(std::string_view name);

  EventType type_;
  bool unique_headers_ = false;
  std::string subclass_;
  std::vector<EventHeader> headers_;
  std::optional<std::string> body_;
};

}  // namespace es::core
