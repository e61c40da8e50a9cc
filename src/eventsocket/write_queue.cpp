#include "eventsocket/write_queue.hpp"

#include <algorithm>
#include <limits>

namespace es::eventsocket {
namespace {

// Each allocation costs its size plus malloc's header, rounded to 16 bytes.
std::size_t allocation_bytes(std::size_t size) {
  return size == 0 ? 0 : ((size + 8 + 15) & ~std::size_t{15});
}

std::size_t string_bytes(const std::string& text) {
  return text.capacity() > 15 ? allocation_bytes(text.capacity() + 1) : 0;
}

// The item's slot in the deque, plus what its owner pins.
std::uint32_t charge_of(std::size_t pinned) {
  std::size_t charge = sizeof(WriteQueue::Item) + pinned;
  return static_cast<std::uint32_t>(
      std::min<std::size_t>(charge, std::numeric_limits<std::uint32_t>::max()));
}

// A shared_ptr from make_shared: one allocation for the object and its control block.
std::size_t shared_object_bytes(std::size_t object_size) {
  return allocation_bytes(object_size + 16);
}

}  // namespace

void WriteQueue::push_text(std::string text) {
  auto owned = std::make_shared<const std::string>(std::move(text));
  std::string_view view = *owned;
  std::uint32_t charge = charge_of(shared_object_bytes(sizeof(std::string)) + string_bytes(*owned));
  bytes_ += charge;
  items_.push_back(
      Item{.owner = std::move(owned), .view = view, .kind = Kind::kText, .charge = charge});
}

bool WriteQueue::try_push_event(core::FiredEventPtr event, protocol::EventFormat format,
                                core::JsonValues json_values) {
  std::string_view view = event->frame(format, json_values);
  // Taken after frame(): the frame this queue needs is serialized and counted by now.
  std::uint32_t charge = charge_of(event->footprint());
  if (events_ >= limits_.max_events || bytes() + charge > limits_.max_bytes) return false;
  bytes_ += charge;
  ++events_;
  (holding_ ? held_ : items_)
      .push_back(
          Item{.owner = std::move(event), .view = view, .kind = Kind::kEvent, .charge = charge});
  return true;
}

bool WriteQueue::try_push_log(core::LogLinePtr line) {
  std::string_view view = line->frame;
  std::uint32_t charge = charge_of(shared_object_bytes(sizeof(core::LogLine)) +
                                   string_bytes(line->file) + string_bytes(line->function) +
                                   string_bytes(line->user_data) + string_bytes(line->message) +
                                   string_bytes(line->formatted) + string_bytes(line->frame));
  if (logs_ >= limits_.max_logs || bytes() + charge > limits_.max_bytes) return false;
  bytes_ += charge;
  ++logs_;
  (holding_ ? held_ : items_)
      .push_back(
          Item{.owner = std::move(line), .view = view, .kind = Kind::kLog, .charge = charge});
  return true;
}

void WriteQueue::account_out(const Item& item) {
  bytes_ -= item.charge;
  if (item.kind == Kind::kEvent) --events_;
  if (item.kind == Kind::kLog) --logs_;
}

void WriteQueue::take(std::vector<Item>& out, std::size_t max_items, std::size_t max_bytes) {
  std::size_t taken_bytes = 0;
  while (!items_.empty() && max_items > 0 && taken_bytes < max_bytes) {
    account_out(items_.front());
    in_flight_bytes_ += items_.front().charge;
    taken_bytes += items_.front().view.size();
    out.push_back(std::move(items_.front()));
    items_.pop_front();
    --max_items;
  }
}

std::size_t WriteQueue::ready_views(std::string_view* out, std::size_t max) const {
  std::size_t count = std::min(max, items_.size());
  for (std::size_t i = 0; i < count; ++i) out[i] = items_[i].view;
  return count;
}

std::size_t WriteQueue::advance(std::size_t n) {
  std::size_t events_written = 0;
  while (n > 0 && !items_.empty()) {
    Item& item = items_.front();
    if (n < item.view.size()) {
      item.view.remove_prefix(n);
      break;
    }
    n -= item.view.size();
    if (item.kind == Kind::kEvent) ++events_written;
    account_out(item);
    items_.pop_front();
  }
  return events_written;
}

void WriteQueue::written(const std::vector<Item>& batch) {
  for (const Item& item : batch) in_flight_bytes_ -= item.charge;
}

std::size_t WriteQueue::drop_kind(Kind kind) {
  std::size_t before = bytes_;
  auto drop = [this, kind](const Item& item) {
    if (item.kind != kind) return false;
    account_out(item);
    return true;
  };
  std::erase_if(items_, drop);
  std::erase_if(held_, drop);
  return before - bytes_;
}

std::size_t WriteQueue::drop_events() {
  return drop_kind(Kind::kEvent);
}
std::size_t WriteQueue::drop_logs() {
  return drop_kind(Kind::kLog);
}

std::size_t WriteQueue::clear() {
  std::size_t dropped = bytes_;
  // Swapping with empty deques hands their blocks back too (clear() keeps one).
  std::deque<Item>().swap(items_);
  std::deque<Item>().swap(held_);
  bytes_ = events_ = logs_ = 0;
  return dropped;
}

void WriteQueue::hold(bool on) {
  holding_ = on;
  if (on) return;
  for (auto& item : held_) items_.push_back(std::move(item));
  held_.clear();
}

}  // namespace es::eventsocket
