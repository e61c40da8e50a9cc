// The digits a channel received from its far end and nobody has read yet. Bounded: when full
// the oldest digit is dropped, so a late reader still gets the newest ones. Not synchronised:
// the owning Session locks around it.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>

#include "switch/session/channel_driver.hpp"

namespace es::sw {

inline constexpr std::size_t kMaxQueuedDtmf = 128;

class DtmfBuffer {
 public:
  void push(const Dtmf& dtmf);
  std::optional<Dtmf> pop();  // oldest first
  bool empty() const { return digits_.empty(); }
  std::size_t size() const { return digits_.size(); }
  void clear() { digits_.clear(); }

 private:
  std::deque<Dtmf> digits_;
};

}  // namespace es::sw
