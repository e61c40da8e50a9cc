// A listener's lifecycle: one state, the ways a connection ends, and its deadlines. Strand only.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>

namespace es::eventsocket {

enum class ListenerState : std::uint8_t {
  kOpen,       // reading and running commands
  kLingering,  // the controlled call hung up under `linger`: still open until the delay is up
  kClosing,    // the last notice is queued: the writer flushes, then the socket closes
  kClosed,     // socket closed, queue dropped, unsubscribed
};

enum class CloseType : std::uint8_t {
  kFlushThenClose,   // the notice and everything queued before it are written, then close
  kCloseAfterDelay,  // linger: the call's end is announced, the goodbye follows the delay
  kAbort,            // close at once, dropping what is queued (write error, kill deadline)
};

// The watchdog's deadlines, one per reason, each armed or not.
class ListenerDeadlines {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  // In the order they are checked: the kill deadline first, as it overrides the others.
  enum class Kind : std::uint8_t {
    kKill,         // closing: a peer that will not take its notice is dropped then
    kAuth,         // inbound: authenticate before this
    kBody,         // a packet started: its rest must arrive before this
    kFirstPacket,  // outbound: the application must speak before this
    kLinger,       // lingering with a time: the goodbye is due then
  };
  static constexpr std::size_t kKinds = 5;

  void arm(Kind kind, TimePoint at) { at_[index(kind)] = at; }
  void disarm(Kind kind) { at_[index(kind)].reset(); }
  void disarm_all() { at_.fill(std::nullopt); }
  bool armed(Kind kind) const { return at_[index(kind)].has_value(); }
  // The first armed deadline that has passed, in the order of Kind; nullopt when none has.
  std::optional<Kind> expired(TimePoint now) const {
    for (std::size_t i = 0; i < kKinds; ++i) {
      if (at_[i] && now >= *at_[i]) return static_cast<Kind>(i);
    }
    return std::nullopt;
  }
  // The earliest armed deadline (max when none): when the watchdog wakes next.
  TimePoint earliest() const {
    TimePoint first = TimePoint::max();
    for (const auto& at : at_) {
      if (at && *at < first) first = *at;
    }
    return first;
  }

 private:
  static constexpr std::size_t index(Kind kind) { return static_cast<std::size_t>(kind); }
  std::array<std::optional<TimePoint>, kKinds> at_{};
};

}  // namespace es::eventsocket
