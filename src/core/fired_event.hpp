// A fired event shared by every subscriber: immutable, with each wire format serialized
// (and framed) at most once, on first demand, whatever the number of subscribers.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/event.hpp"
#include "core/event_serializer.hpp"
#include "protocol/frames.hpp"

namespace es::core {

// How the socket frames order the headers. FreeSWITCH hands each socket listener a copy
// (switch_event_dup) that carries Event-Subclass first and merges array headers, while other
// consumers (mod_amqp) see the event as fired: a CUSTOM sendevent's Command first, its
// Event-Subclass after Event-UUID. An event queued to a call and diverted to its socket
// (divert_events) is passed on uncopied.
enum class FrameOrder { kListenerCopy, kAsFired };

class FiredEvent {
 public:
  explicit FiredEvent(Event event, FrameOrder order = FrameOrder::kListenerCopy);
  const Event& event() const { return event_; }

  // Heap bytes this object pins: the event (headers, arrays, body) and every frame serialized
  // so far. Queues charge this, not just the frame they send, since a queued item keeps it all.
  std::size_t footprint() const {
    return event_bytes_ + frame_bytes_.load(std::memory_order_acquire);
  }

  // The complete socket frame: "Content-Length: n\nContent-Type: text/event-<fmt>\n\n<data>".
  // Thread-safe; computed once per format. JSON with numbers (opt-in) is a format of its own,
  // cached beside the others, so the string-valued JSON most subscribers take is unchanged.
  std::string_view frame(protocol::EventFormat format,
                         JsonValues values = JsonValues::kStrings) const;

 private:
  // The three wire formats, then JSON with numbers.
  static constexpr std::size_t kFrameSlots = protocol::kEventFormatCount + 1;

  Event event_;
  FrameOrder order_;
  mutable std::once_flag once_[kFrameSlots];
  mutable std::string frames_[kFrameSlots];
  std::size_t event_bytes_ = 0;
  mutable std::atomic<std::size_t> frame_bytes_{0};
};

using FiredEventPtr = std::shared_ptr<const FiredEvent>;

}  // namespace es::core
