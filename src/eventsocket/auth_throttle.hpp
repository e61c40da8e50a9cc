// Authentication hygiene. Attempts from an address that recently failed are answered after a
// delay that grows with those failures, so guessing is slow while nobody else waits (each delay
// is a timer, not a sleep). The delay is decided from past failures before the password is
// checked and applied to the reply whatever the outcome, so how long a reply takes says nothing
// about whether the password was right.
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

  // How long to wait before answering the address's next attempt: kStep per failure of the
  // last kForgetAfter, at most kMax (none after no failure, so a typo costs nothing).
  std::chrono::milliseconds delay_for(const std::string& address) const;
  void record_failure(const std::string& address);
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
