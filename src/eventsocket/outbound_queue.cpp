#include "eventsocket/outbound_queue.hpp"

#include <algorithm>

namespace es::eventsocket {

std::string_view OutboundQueue::Item::bytes() const {
  switch (kind) {
    case Kind::kEvent:
      return event->frame(format);
    case Kind::kLog:
      return log->frame;
    case Kind::kText:
      break;
  }
  return text;
}

void OutboundQueue::push_text(std::string text) {
  bytes_ += text.size();
  items_.push_back(Item{.kind = Kind::kText, .text = std::move(text)});
}

bool OutboundQueue::try_push_event(core::FiredEventPtr event, protocol::EventFormat format) {
  std::size_t size = event->frame(format).size();
  if (events_ >= limits_.max_events || bytes_ + size > limits_.max_bytes) return false;
  bytes_ += size;
  ++events_;
  (holding_ ? held_ : items_)
      .push_back(Item{.kind = Kind::kEvent, .format = format, .event = std::move(event)});
  return true;
}

bool OutboundQueue::try_push_log(core::LogLinePtr line) {
  std::size_t size = line->frame.size();
  if (logs_ >= limits_.max_logs || bytes_ + size > limits_.max_bytes) return false;
  bytes_ += size;
  ++logs_;
  (holding_ ? held_ : items_).push_back(Item{.kind = Kind::kLog, .log = std::move(line)});
  return true;
}

void OutboundQueue::account_out(const Item& item) {
  bytes_ -= item.bytes().size();
  if (item.kind == Kind::kEvent) --events_;
  if (item.kind == Kind::kLog) --logs_;
}

void OutboundQueue::take(std::deque<Item>& out, std::size_t max_items, std::size_t max_bytes) {
  std::size_t taken_bytes = 0;
  while (!items_.empty() && max_items > 0 && taken_bytes < max_bytes) {
    account_out(items_.front());
    taken_bytes += items_.front().bytes().size();
    out.push_back(std::move(items_.front()));
    items_.pop_front();
    --max_items;
  }
}

void OutboundQueue::drop_kind(Kind kind) {
  auto drop = [this, kind](const Item& item) {
    if (item.kind != kind) return false;
    account_out(item);
    return true;
  };
  std::erase_if(items_, drop);
  std::erase_if(held_, drop);
}

void OutboundQueue::drop_events() {
  drop_kind(Kind::kEvent);
}
void OutboundQueue::drop_logs() {
  drop_kind(Kind::kLog);
}

void OutboundQueue::clear() {
  items_.clear();
  held_.clear();
  bytes_ = events_ = logs_ = 0;
}

void OutboundQueue::hold(bool on) {
  holding_ = on;
  if (on) return;
  for (auto& item : held_) items_.push_back(std::move(item));
  held_.clear();
}

}  // namespace es::eventsocket
