// An event: type, optional CUSTOM subclass, ordered headers (duplicates allowed, lookup
// case-insensitive, first wins) and an optional body (events.md 1).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/event_type.hpp"

namespace es::core {

struct EventHeader {
  std::string name;
  std::string value;  // array headers hold their "ARRAY::a|:b" string form
};

class Event {
 public:
  explicit Event(EventType type, std::string_view subclass = {});

  EventType type() const { return type_; }
  void set_type(EventType type);
  const std::string& subclass() const { return subclass_; }
  // Deletes every Event-Subclass header and appends a new one at the end.
  void set_subclass(std::string_view subclass);

  // REQUEST_PARAMS, CHANNEL_DATA and MESSAGE: adding a header first deletes its namesakes.
  bool unique_headers() const { return unique_headers_; }

  // Appends a header. An empty value deletes the headers of that name instead (FreeSWITCH
  // events never hold empty values). "_body" sets the body.
  void add_header(std::string_view name, std::string_view value);
  // Inserts a header at the front (used for the delivery copy's Event-Subclass).
  void add_header_front(std::string_view name, std::string_view value);
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
  // to the first position (events.md 1, "Copying").
  void move_subclass_header_first();

 private:
  EventType type_;
  bool unique_headers_ = false;
  std::string subclass_;
  std::vector<EventHeader> headers_;
  std::optional<std::string> body_;
};

}  // namespace es::core
