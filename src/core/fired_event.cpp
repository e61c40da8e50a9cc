#include "core/fired_event.hpp"

#include "core/event_serializer.hpp"

namespace es::core {
namespace {

// Each allocation costs its size plus malloc's header, rounded to 16 bytes.
std::size_t allocation_bytes(std::size_t size) {
  return size == 0 ? 0 : ((size + 8 + 15) & ~std::size_t{15});
}

std::size_t string_bytes(const std::string& text) {
  return text.capacity() > 15 ? allocation_bytes(text.capacity() + 1) : 0;
}

std::size_t event_bytes(const Event& event) {
  std::size_t bytes = allocation_bytes(sizeof(FiredEvent)) + string_bytes(event.subclass()) +
                      allocation_bytes(event.headers().capacity() * sizeof(EventHeader)) +
                      string_bytes(event.body());
  for (const EventHeader& header : event.headers()) {
    bytes += string_bytes(header.name) + string_bytes(header.value) +
             allocation_bytes(header.array.capacity() * sizeof(std::string));
    for (const std::string& element : header.array) bytes += string_bytes(element);
  }
  return bytes;
}

}  // namespace

FiredEvent::FiredEvent(Event event, FrameOrder order)
    : event_(std::move(event)), order_(order), event_bytes_(event_bytes(event_)) {}

std::string_view FiredEvent::frame(protocol::EventFormat format, JsonValues values) const {
  const bool json_numbers =
      format == protocol::EventFormat::kJson && values == JsonValues::kNumbers;
  const std::size_t index =
      json_numbers ? protocol::kEventFormatCount : static_cast<std::size_t>(format);
  std::call_once(once_[index], [&] {
    // One scratch buffer per thread keeps serialization free of a fresh allocation each time.
    thread_local std::string serialized;
    serialized.clear();
    auto write = [&](const Event& event) {
      if (json_numbers) {
        serialize_json(event, serialized, JsonValues::kNumbers);
      } else {
        serialize(event, format, serialized);
      }
    };
    if (order_ == FrameOrder::kListenerCopy && event_.listener_copy_reorders()) {
      Event copy = event_;
      copy.move_subclass_header_first();
      write(copy);
    } else {
      write(event_);
    }
    protocol::append_event_frame(frames_[index], format, serialized);
    frame_bytes_.fetch_add(string_bytes(frames_[index]), std::memory_order_release);
  });
  return frames_[index];
}

}  // namespace es::core
