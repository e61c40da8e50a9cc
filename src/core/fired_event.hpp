// A fired event shared by every subscriber: immutable, with each wire format serialized
// (and framed) at most once, on first demand, whatever the number of subscribers.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/event.hpp"
#include "protocol/frames.hpp"

namespace es::core {

class FiredEvent {
 public:
  explicit FiredEvent(Event event) : event_(std::move(event)) {}
  const Event& event() const { return event_; }

  // The complete socket frame: "Content-Length: n\nContent-Type: text/event-<fmt>\n\n<data>".
  // Thread-safe; computed once per format.
  std::string_view frame(protocol::EventFormat format) const;

 private:
  Event event_;
  mutable std::once_flag once_[protocol::kEventFormatCount];
  mutable std::string frames_[protocol::kEventFormatCount];
};

using FiredEventPtr = std::shared_ptr<const FiredEvent>;

}  // namespace es::core
