#include "core/fired_event.hpp"

#include "core/event_serializer.hpp"

namespace es::core {

std::string_view FiredEvent::frame(protocol::EventFormat format) const {
  const auto index = static_cast<std::size_t>(format);
  std::call_once(once_[index], [&] {
    // One scratch buffer per thread keeps serialization free of a fresh allocation each time.
    thread_local std::string serialized;
    serialized.clear();
    serialize(event_, format, serialized);
    protocol::append_event_frame(frames_[index], format, serialized);
  });
  return frames_[index];
}

}  // namespace es::core
