// Helpers for the end-to-end call tests: an `event plain ALL` subscriber that keeps every
// event it reads (values URL-decoded on access), and api/bgapi round trips on a connection
// that receives no events.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "event_frames.hpp"

namespace es::itest {

std::string url_decode(std::string_view text);

// One received plain event.
struct SeenEvent {
  PlainEvent plain;
  // The first header `name`, URL-decoded; empty when absent.
  std::string get(std::string_view name) const;
  bool has(std::string_view name) const { return plain.header(name) != nullptr; }
  int count(std::string_view name) const;
  std::string name() const { return get("Event-Name"); }
  long long timestamp_us() const;
};

// A subscriber connection: every event it reads is kept in arrival order, so a test can
// wait for one event and later look at everything that came before or after it.
class Subscriber {
 public:
  // Connects, authenticates and subscribes with `event plain ALL`.
  bool start(unsigned short port);

  using Match = std::function<bool(const SeenEvent&)>;
  // The first logged event matching `wanted`, reading more until the timeout passes.
  std::optional<SeenEvent> wait_for(const Match& wanted,
                                    std::chrono::milliseconds timeout = kReadTimeout);
  std::optional<SeenEvent> wait_for(std::string_view event_name, std::string_view uuid,
                                    std::chrono::milliseconds timeout = kReadTimeout);
  // Waits for the channel's last event (CHANNEL_STATE CS_DESTROY).
  bool wait_destroyed(std::string_view uuid, std::chrono::milliseconds timeout = kReadTimeout);

  // Position of the first logged event matching `wanted`, or -1.
  int index_of(const Match& wanted) const;
  // Logged events whose Unique-ID is `uuid`, in arrival order.
  std::vector<SeenEvent> for_channel(std::string_view uuid) const;

 private:
  TestClient client_;
  std::vector<SeenEvent> log_;
};

// `api <command>` on a connection without event subscriptions; returns the api/response body
// (records a failure and returns "<no reply>" when something else arrives).
std::string api(TestClient& client, std::string_view command);
// `bgapi <command>`; returns the Job-UUID of the +OK reply (empty on failure, recorded).
std::string bgapi(TestClient& client, std::string_view command);
// The uuid in "+OK <uuid>\n" (empty, failure recorded, for anything else).
std::string ok_uuid(std::string_view reply);

}  // namespace es::itest
