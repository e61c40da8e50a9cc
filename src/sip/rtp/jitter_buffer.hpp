#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "switch/media/frame.hpp"

namespace es::sip::rtp {

// A fixed-capacity reorder buffer of decoded 20 ms frames keyed by RTP sequence number. The
// network side pushes whenever a packet arrives; the media clock pops one frame every 20 ms.
// Playing starts once `prefill` frames are held, absorbing that much arrival jitter. Memory is
// allocated once: a sender flooding packets only overwrites slots or is counted and dropped.
class JitterBuffer {
 public:
  // capacity: frames held at most, rounded up to a power of two within 2..4096; prefill: frames
  // held before playing starts, at most capacity - 1.
  JitterBuffer(std::size_t capacity, std::size_t prefill);

  void push(std::uint16_t sequence, const media::Frame& frame);
  // The next frame in sequence order; nothing while prefilling, or when that packet was lost
  // (the caller plays silence for the gap, and the sequence moves on).
  std::optional<media::Frame> pop();

  std::size_t held() const { return held_; }
  std::uint64_t late() const { return late_; }  // arrived after their turn
  std::uint64_t duplicates() const { return duplicates_; }
  std::uint64_t lost() const { return lost_; }        // turns with no frame
  std::uint64_t resyncs() const { return resyncs_; }  // sequence jumps past the window

 private:
  struct Slot {
    bool full = false;
    std::uint16_t sequence = 0;
    media::Frame frame;
  };
  void reset_to(std::uint16_t sequence);

  std::vector<Slot> slots_;
  std::size_t prefill_;
  std::size_t held_ = 0;
  bool started_ = false;  // the first packet fixed next_
  bool playing_ = false;  // prefill reached
  std::uint16_t next_ = 0;
  std::uint64_t late_ = 0;
  std::uint64_t duplicates_ = 0;
  std::uint64_t lost_ = 0;
  std::uint64_t resyncs_ = 0;
};

}  // namespace es::sip::rtp
