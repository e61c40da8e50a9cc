// Counters every AMQP profile keeps for `amqp status` (written by its threads, read by the
// command): all relaxed atomics, since each figure stands alone.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

namespace es::amqp {

enum class LinkState { kConnecting, kConnected, kStopped };

class ProfileStats {
 public:
  std::atomic<std::uint64_t> published{0};  // accepted by the broker's socket
  std::atomic<std::uint64_t> dropped{0};    // queue full, circuit breaker open, or stopped
  std::atomic<std::uint64_t> connects{0};   // successful (re)connections
  std::atomic<std::uint64_t> received{0};   // commands profiles: messages taken
  std::atomic<std::uint64_t> refused{0};    // commands profiles: not allowed, too large, bad type

  void set_state(LinkState state, std::string endpoint = {}) {
    std::lock_guard lock(mutex_);
    state_ = state;
    endpoint_ = std::move(endpoint);
  }
  std::string state_text() const {
    std::lock_guard lock(mutex_);
    switch (state_) {
      case LinkState::kConnecting:
        return "CONNECTING";
      case LinkState::kConnected:
        return "CONNECTED " + endpoint_;
      case LinkState::kStopped:
        return "STOPPED";
    }
    return "?";
  }

 private:
  mutable std::mutex mutex_;
  LinkState state_ = LinkState::kConnecting;
  std::string endpoint_;
};

}  // namespace es::amqp
