// Where a client stands in each switch's event stream (Core-UUID, Event-Sequence), so that after
// a reconnection it can ask a gateway for what it missed (the `replay` extension,
// docs/gateway.md) and drop the events it then receives twice (once live, once replayed).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/event.hpp"

namespace es::client {

class EventSequences {
 public:
  // Records the event; false when its sequence of its Core-UUID was already seen since the last
  // mark_reconnect() or is at or below where the client stood then. Events without both headers
  // are always new.
  bool note(const Event& event);
  // A reconnection begins: what was seen becomes each switch's position.
  void mark_reconnect();
  // Each switch's position: the highest sequence seen before the last mark_reconnect().
  std::vector<std::pair<std::string, std::uint64_t>> positions() const;

 private:
  struct Mark {
    std::uint64_t floor = 0;        // everything at or below was delivered
    std::set<std::uint64_t> above;  // delivered since the position was taken
  };
  // Bounds: switches tracked (a gateway with several upstreams, restarts make new Core-UUIDs),
  // and sequences held above a floor before they collapse into it.
  static constexpr std::size_t kMaxSwitches = 64;
  static constexpr std::size_t kMaxAbove = 4096;
  std::map<std::string, Mark> marks_;
};

// The replay extension's answer "+OK replayed N lost K": N and K, or nullopt for anything else.
std::optional<std::pair<std::uint64_t, std::uint64_t>> parse_replay_reply(std::string_view text);

}  // namespace es::client
