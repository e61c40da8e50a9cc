#include "event_frames.hpp"

#include <gtest/gtest.h>

namespace es::itest {

std::vector<std::string> PlainEvent::names() const {
  std::vector<std::string> out;
  out.reserve(headers.size());
  for (const auto& h : headers) out.push_back(h.name);
  return out;
}

PlainEvent parse_plain_event(std::string_view text) {
  PlainEvent event;
  auto end = text.find("\n\n");
  std::string_view block = text.substr(0, end);
  if (end != std::string_view::npos) {
    event.has_body = end + 2 < text.size();
    event.body = std::string(text.substr(end + 2));
  }
  while (!block.empty()) {
    auto eol = block.find('\n');
    std::string_view line = block.substr(0, eol);
    auto colon = line.find(": ");
    if (colon != std::string_view::npos) {
      event.headers.push_back(
          {std::string(line.substr(0, colon)), std::string(line.substr(colon + 2))});
    } else if (!line.empty()) {
      event.headers.push_back({std::string(line), std::string()});
    }
    if (eol == std::string_view::npos) break;
    block.remove_prefix(eol + 1);
  }
  return event;
}

bool check_event_frame(const Frame& frame, std::string_view format) {
  const std::string& body = frame.message.body;
  std::string expected_head = "Content-Length: " + std::to_string(body.size()) +
                              "\nContent-Type: text/event-" + std::string(format) + "\n\n";
  if (frame.raw != expected_head + body) {
    ADD_FAILURE() << "event frame does not start with \"" << expected_head
                  << "\"; frame head: " << frame.raw.substr(0, 80);
    return false;
  }
  return true;
}

bool is_event(const Frame& frame) {
  return frame.content_type().starts_with("text/event-");
}

std::string plain_header(const Frame& frame, std::string_view name) {
  if (frame.content_type() != "text/event-plain") return {};
  auto event = parse_plain_event(frame.message.body);
  const std::string* value = event.header(name);
  return value ? *value : std::string();
}

std::string send_event(TestClient& client, std::string_view name, std::string_view header_lines,
                       std::string_view body) {
  std::string packet = "sendevent " + std::string(name) + "\n" + std::string(header_lines);
  if (!body.empty()) packet += "Content-Length: " + std::to_string(body.size()) + "\n";
  packet += "\n";
  packet += body;
  if (!client.send(packet)) {
    ADD_FAILURE() << "send failed";
    return {};
  }
  // Events may arrive before this reply; they are kept for later reads.
  std::vector<Frame> events;
  auto reply =
      client.read_until([](const Frame& f) { return !is_event(f); }, kReadTimeout, &events);
  client.unread(events);
  if (!reply) {
    ADD_FAILURE() << "no reply to sendevent";
    return {};
  }
  const std::string prefix = "Content-Type: command/reply\nReply-Text: +OK ";
  if (!reply->raw.starts_with(prefix) || !reply->raw.ends_with("\n\n")) {
    ADD_FAILURE() << "unexpected sendevent reply: " << reply->raw;
    return {};
  }
  std::string uuid = reply->raw.substr(prefix.size(), reply->raw.size() - prefix.size() - 2);
  EXPECT_TRUE(looks_like_uuid(uuid)) << uuid;
  return uuid;
}

std::optional<Frame> read_plain_event_with(TestClient& client, std::string_view name,
                                           std::string_view value,
                                           std::chrono::milliseconds timeout) {
  return client.read_until(
      [&](const Frame& f) { return is_event(f) && plain_header(f, name) == value; }, timeout);
}

bool looks_like_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

}  // namespace es::itest
