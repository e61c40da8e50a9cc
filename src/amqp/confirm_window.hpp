// Publisher confirms bookkeeping for one channel: the events published but not yet
// confirmed, in delivery-tag order (tags count from 1 per channel). Bounded: the publisher
// stops publishing while it is full. After a lost connection its events are taken back, in
// order, to be sent again on the next channel.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "core/fired_event.hpp"

namespace es::amqp {

class ConfirmWindow {
 public:
  explicit ConfirmWindow(std::size_t capacity) : capacity_(capacity) {}

  bool full() const { return entries_.size() >= capacity_; }
  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }

  // Records a publish; it gets the next delivery tag.
  void sent(core::FiredEventPtr event);

  struct Settled {
    std::size_t confirmed = 0;
    std::size_t refused = 0;
  };
  // basic.ack / basic.nack: `tag`, or every tag up to it with `multiple`. Unknown tags are
  // ignored (a hostile or confused broker changes nothing). Returns what left the window:
  // settled entries are released from the front, in order.
  Settled ack(std::uint64_t tag, bool multiple) { return settle(tag, multiple, State::kAcked); }
  Settled nack(std::uint64_t tag, bool multiple) { return settle(tag, multiple, State::kNacked); }

  // The unconfirmed events in publish order; the window is empty and tags restart at 1.
  std::vector<core::FiredEventPtr> take_all();

 private:
  enum class State : unsigned char { kWaiting, kAcked, kNacked };
  struct Entry {
    core::FiredEventPtr event;
    State state = State::kWaiting;
  };
  Settled settle(std::uint64_t tag, bool multiple, State state);

  const std::size_t capacity_;
  std::deque<Entry> entries_;
  std::uint64_t front_tag_ = 1;  // tag of entries_.front()
};

}  // namespace es::amqp
