#include "amqp/confirm_window.hpp"

namespace es::amqp {

void ConfirmWindow::sent(core::FiredEventPtr event) {
  entries_.push_back(Entry{std::move(event), State::kWaiting});
}

ConfirmWindow::Settled ConfirmWindow::settle(std::uint64_t tag, bool multiple, State state) {
  Settled settled;
  const std::uint64_t end_tag = front_tag_ + entries_.size();  // one past the last
  if (tag < front_tag_ || tag >= end_tag) return settled;
  const std::size_t last = static_cast<std::size_t>(tag - front_tag_);
  const std::size_t first = multiple ? 0 : last;
  for (std::size_t i = first; i <= last; ++i) {
    if (entries_[i].state == State::kWaiting) entries_[i].state = state;
  }
  while (!entries_.empty() && entries_.front().state != State::kWaiting) {
    (entries_.front().state == State::kAcked ? settled.confirmed : settled.refused)++;
    entries_.pop_front();
    ++front_tag_;
  }
  return settled;
}

std::vector<core::FiredEventPtr> ConfirmWindow::take_all() {
  std::vector<core::FiredEventPtr> out;
  out.reserve(entries_.size());
  for (auto& entry : entries_) out.push_back(std::move(entry.event));
  entries_.clear();
  front_tag_ = 1;
  return out;
}

}  // namespace es::amqp
