#include "sip/rtp/jitter_buffer.hpp"

#include <algorithm>
#include <bit>

namespace es::sip::rtp {

JitterBuffer::JitterBuffer(std::size_t capacity, std::size_t prefill)
    // A power of two divides 65536, so slot indexes stay consecutive across the sequence wrap.
    : slots_(std::bit_ceil(std::clamp<std::size_t>(capacity, 2, 4096))),
      prefill_(std::min(prefill, slots_.size() - 1)) {}

void JitterBuffer::reset_to(std::uint16_t sequence) {
  for (auto& slot : slots_) slot.full = false;
  held_ = 0;
  next_ = sequence;
  playing_ = false;
}

void JitterBuffer::push(std::uint16_t sequence, const media::Frame& frame) {
  if (!started_) {
    started_ = true;
    reset_to(sequence);
  }
  // Sequence numbers wrap at 16 bits: the signed 16-bit difference orders them.
  const auto ahead = static_cast<std::int16_t>(static_cast<std::uint16_t>(sequence - next_));
  if (ahead < 0) {
    ++late_;
    return;
  }
  if (static_cast<std::size_t>(ahead) >= slots_.size()) {
    // The sender jumped (restart, new SSRC, long silence-suppression gap) beyond what the
    // window can hold: start over from this packet rather than wait out the gap.
    ++resyncs_;
    reset_to(sequence);
  }
  auto& slot = slots_[sequence % slots_.size()];
  if (slot.full && slot.sequence == sequence) {
    ++duplicates_;
    return;
  }
  if (!slot.full) ++held_;
  slot.full = true;
  slot.sequence = sequence;
  slot.frame = frame;
  if (held_ >= prefill_) playing_ = true;
}

std::optional<media::Frame> JitterBuffer::pop() {
  if (!playing_) return std::nullopt;
  auto& slot = slots_[next_ % slots_.size()];
  ++next_;
  if (!slot.full || slot.sequence != static_cast<std::uint16_t>(next_ - 1)) {
    ++lost_;
    if (held_ == 0) playing_ = false;  // drained: prefill again before playing on
    return std::nullopt;
  }
  slot.full = false;
  --held_;
  return slot.frame;
}

}  // namespace es::sip::rtp
