// Wrong passwords are answered after a delay that grows with the failures of that peer
// address, so guessing is slow while nobody else waits (each delay is a timer, not a sleep).
// Bounded: at most max_peers addresses are remembered; the stalest is forgotten first.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace es::eventsocket {

class AuthThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  explicit AuthThrottle(std::size_t max_peers = 4096) : max_peers_(max_peers) {}

  // Records a failure for the address and returns how long to wait before replying.
  std::chrono::milliseconds record_failure(const std::string& address);
  void record_success(const std::string& address);
  std::size_t tracked() const;

  static constexpr std::chrono::milliseconds kStep{100};
  static constexpr std::chrono::milliseconds kMax{2000};
  static constexpr std::chrono::seconds kForgetAfter{60};

 private:
  struct Entry {
    unsigned failures = 0;
    Clock::time_point last;
  };
  std::size_t max_peers_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> peers_;
};

}  // namespace es::eventsocket
