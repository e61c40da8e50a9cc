// Helpers for event frames in tests: the frame shape (Content-Length first), plain bodies
// split into raw headers, and sendevent round trips.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "test_client.hpp"

namespace es::itest {

// An event-plain body: header lines (values still URL-encoded) and the body after them.
struct PlainEvent {
  std::vector<protocol::HeaderField> headers;
  std::string body;
  bool has_body = false;  // a body part followed the blank line
  const std::string* header(std::string_view name) const {
    return protocol::find_header(headers, name);
  }
  std::vector<std::string> names() const;
};
PlainEvent parse_plain_event(std::string_view text);

// "Content-Length: <n>\nContent-Type: text/event-<format>\n\n" followed by exactly n bytes.
// Records a gtest failure naming what is wrong and returns false otherwise.
bool check_event_frame(const Frame& frame, std::string_view format);

bool is_event(const Frame& frame);
// For text/event-plain frames: the Event-Name (or Event-Subclass, when `subclass`) value.
std::string plain_header(const Frame& frame, std::string_view name);

// Sends "sendevent <name>\n<header_lines>[Content-Length: n\n]\n<body>" and expects
// "+OK <uuid>"; returns the uuid (empty on failure, recorded).
std::string send_event(TestClient& client, std::string_view name, std::string_view header_lines,
                       std::string_view body = {});

// The next event frame whose plain header `name` equals `value` (other frames skipped).
std::optional<Frame> read_plain_event_with(TestClient& client, std::string_view name,
                                           std::string_view value,
                                           std::chrono::milliseconds timeout = kReadTimeout);

bool looks_like_uuid(std::string_view text);

}  // namespace es::itest
