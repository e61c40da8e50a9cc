#include "switch/session/dtmf_buffer.hpp"

namespace es::sw {

void DtmfBuffer::push(const Dtmf& dtmf) {
  if (digits_.size() >= kMaxQueuedDtmf) digits_.pop_front();
  digits_.push_back(dtmf);
}

std::optional<Dtmf> DtmfBuffer::pop() {
  if (digits_.empty()) return std::nullopt;
  Dtmf dtmf = digits_.front();
  digits_.pop_front();
  return dtmf;
}

}  // namespace es::sw
