#include "eventsocket/outbound_queue.hpp"

#include <algorithm>

namespace es::eventsocket {

void OutboundQueue::push_text(std::string text) {
  auto owned = std::make_shared<const std::string>(std::move(text));
  std::string_view view = *owned;
  bytes_ += view.size();
  items_.push_back(Item{.owner = std::move(owned), .view = view, .kind = Kind::kText});
}

bool OutboundQueue::try_push_event(core::FiredEventPtr event, protocol::EventFormat format) {
  std::string_view view = event->frame(format);
  if (events_ >= limits_.max_events || bytes_ + view.size() > limits_.max_bytes) return false;
  bytes_ += view.size();
  ++events_;
  (holding_ ? held_ : items_)
      .push_back(Item{.owner = std::move(event), .view = view, .kind = Kind::kEvent});
  return true;
}

bool OutboundQueue::try_push_log(core::LogLinePtr line) {
  std::string_view view = line->frame;
  if (logs_ >= limits_.max_logs || bytes_ + view.size() > limits_.max_bytes) return false;
  bytes_ += view.size();
  ++logs_;
  (holding_ ? held_ : items_)
      .push_back(Item{.owner = std::move(line), .view = view, .kind = Kind::kLog});
  return true;
}

void OutboundQueue::account_out(const Item& item) {
  bytes_ -= item.view.size();
  if (item.kind == Kind::kEvent) --events_;
  if (item.kind == Kind::kLog) --logs_;
}

void OutboundQueue::take(std::vector<Item>& out, std::size_t max_items, std::size_t max_bytes) {
  std::size_t taken_bytes = 0;
  while (!items_.empty() && max_items > 0 && taken_bytes < max_bytes) {
    account_out(items_.front());
    taken_bytes += items_.front().view.size();
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
