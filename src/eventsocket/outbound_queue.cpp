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
  items_.push_back(Item{.kind = Kind::kEvent, .format = format, .event = std::move(event)});
  return true;
}

bool OutboundQueue::try_push_log(core::LogLinePtr line) {
  std::size_t size = line->frame.size();
  if (logs_ >= limits_.max_logs || bytes_ + size > limits_.max_bytes) return false;
  bytes_ += size;
  ++logs_;
  items_.push_back(Item{.kind = Kind::kLog, .log = std::move(line)});
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

void OutboundQueue::drop_events() {
  std::erase_if(items_, [this](const Item& item) {
    if (item.kind != Kind::kEvent) return false;
    account_out(item);
    return true;
  });
}

void OutboundQueue::drop_logs() {
  std::erase_if(items_, [this](const Item& item) {
    if (item.kind != Kind::kLog) return false;
    account_out(item);
    return true;
  });
}

void OutboundQueue::clear() {
  items_.clear();
  bytes_ = events_ = logs_ = 0;
}

}  // namespace es::eventsocket
