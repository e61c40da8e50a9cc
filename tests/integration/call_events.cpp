#include "call_events.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace es::itest {

std::string url_decode(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string SeenEvent::get(std::string_view name) const {
  const std::string* value = plain.header(name);
  return value ? url_decode(*value) : std::string();
}

int SeenEvent::count(std::string_view name) const {
  int n = 0;
  for (const auto& h : plain.headers) n += h.name == name;
  return n;
}

long long SeenEvent::timestamp_us() const {
  return std::strtoll(get("Event-Date-Timestamp").c_str(), nullptr, 10);
}

bool Subscriber::start(unsigned short port) {
  if (!connect_and_auth(client_, port)) return false;
  if (!client_.send("event plain ALL\n\n")) return false;
  auto reply = client_.read_frame();
  if (!reply || reply->raw != reply_frame("+OK event listener enabled plain")) {
    ADD_FAILURE() << "event plain ALL: " << (reply ? reply->raw : std::string("no reply"));
    return false;
  }
  return true;
}

int Subscriber::index_of(const Match& wanted) const {
  for (std::size_t i = 0; i < log_.size(); ++i) {
    if (wanted(log_[i])) return static_cast<int>(i);
  }
  return -1;
}

std::optional<SeenEvent> Subscriber::wait_for(const Match& wanted,
                                              std::chrono::milliseconds timeout) {
  int found = index_of(wanted);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (found < 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto frame = client_.read_frame(left);
    if (!frame) return std::nullopt;
    if (!is_event(*frame)) {
      ADD_FAILURE() << "subscriber got a non-event frame: " << frame->raw;
      continue;
    }
    log_.push_back(SeenEvent{parse_plain_event(frame->message.body)});
    if (wanted(log_.back())) found = static_cast<int>(log_.size()) - 1;
  }
  return log_[found];
}

std::optional<SeenEvent> Subscriber::wait_for(std::string_view event_name, std::string_view uuid,
                                              std::chrono::milliseconds timeout) {
  return wait_for(
      [&](const SeenEvent& e) { return e.name() == event_name && e.get("Unique-ID") == uuid; },
      timeout);
}

bool Subscriber::wait_destroyed(std::string_view uuid, std::chrono::milliseconds timeout) {
  return wait_for(
             [&](const SeenEvent& e) {
               return e.name() == "CHANNEL_STATE" && e.get("Unique-ID") == uuid &&
                      e.get("Channel-State") == "CS_DESTROY";
             },
             timeout)
      .has_value();
}

std::vector<SeenEvent> Subscriber::for_channel(std::string_view uuid) const {
  std::vector<SeenEvent> out;
  for (const auto& e : log_) {
    if (e.get("Unique-ID") == uuid) out.push_back(e);
  }
  return out;
}

std::string api(TestClient& client, std::string_view command) {
  std::string packet = "api " + std::string(command) + "\n\n";
  if (!client.send(packet)) {
    ADD_FAILURE() << "send failed: " << command;
    return "<no reply>";
  }
  auto frame = client.read_frame(std::chrono::seconds(15));
  if (!frame || frame->content_type() != "api/response") {
    ADD_FAILURE() << "api " << command << ": " << (frame ? frame->raw : std::string("no reply"));
    return "<no reply>";
  }
  return frame->message.body;
}

std::string bgapi(TestClient& client, std::string_view command) {
  std::string packet = "bgapi " + std::string(command) + "\n\n";
  if (!client.send(packet)) {
    ADD_FAILURE() << "send failed: " << command;
    return {};
  }
  auto frame = client.read_frame();
  const std::string* job = frame ? frame->message.header("Job-UUID") : nullptr;
  if (!job || frame->raw != "Content-Type: command/reply\nReply-Text: +OK Job-UUID: " + *job +
                                "\nJob-UUID: " + *job + "\n\n") {
    ADD_FAILURE() << "bgapi " << command << ": " << (frame ? frame->raw : std::string("no reply"));
    return {};
  }
  return *job;
}

std::string ok_uuid(std::string_view reply) {
  if (!reply.starts_with("+OK ") || !reply.ends_with("\n") ||
      !looks_like_uuid(reply.substr(4, reply.size() - 5))) {
    ADD_FAILURE() << "expected \"+OK <uuid>\\n\", got: " << reply;
    return {};
  }
  return std::string(reply.substr(4, reply.size() - 5));
}

}  // namespace es::itest
