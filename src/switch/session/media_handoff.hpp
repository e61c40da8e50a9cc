// Where the frames a channel reads (its far end's audio) go: the frame filters change it, every
// frame consumer sees each one, then the bridge partner writes it or, with echo on, the channel
// writes it back (Session::receive_frame decides, holding the bridge peer). What the channel
// writes passes the filters, then the consumers that asked for written audio, then the
// driver (Session::write_frame). The lists are not
// synchronised: the owning Session locks around it, together with the bridge peer, so one
// lock per frame. Echo is an atomic any thread may flip without that lock.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "switch/media/frame.hpp"

namespace es::sw {

// Receives the frames a channel reads: recorders, media bugs.
class FrameConsumer {
 public:
  virtual ~FrameConsumer() = default;
  virtual void consume(const media::Frame& frame) = 0;
  // What the channel writes, after the filters; only for a consumer added with `written`
  // (a stereo recording's second channel).
  virtual void consume_written(const media::Frame& /*frame*/) {}
};

// Changes a channel's audio in passing (a displacement: FreeSWITCH's read/write replace
// bugs). Each returns false once the filter has finished; the channel then drops it.
class FrameFilter {
 public:
  virtual ~FrameFilter() = default;
  virtual bool filter_read(media::Frame& frame) = 0;
  virtual bool filter_write(media::Frame& frame) = 0;
};

class MediaHandoff {
 public:
  // Frames move synchronously from leg to leg on the calling thread, so a cycle (two echoes
  // facing each other) would recurse forever: a guard counts the hand-offs nested on this
  // thread and is too deep beyond kMaxNesting of them.
  static constexpr int kMaxNesting = 9;
  class NestingGuard {
   public:
    NestingGuard();
    ~NestingGuard();
    NestingGuard(const NestingGuard&) = delete;
    NestingGuard& operator=(const NestingGuard&) = delete;
    bool too_deep() const { return !entered_; }

   private:
    bool entered_;
  };

  // `written`: the consumer also gets what the channel writes.
  void add_consumer(std::shared_ptr<FrameConsumer> consumer, bool written = false);
  void remove_consumer(const FrameConsumer* consumer);
  // A copy to feed outside the owner's lock; a consumer removed meanwhile stays alive in it.
  std::vector<std::shared_ptr<FrameConsumer>> consumers() const { return consumers_; }
  std::vector<std::shared_ptr<FrameConsumer>> write_consumers() const { return write_consumers_; }
  // Filters apply in the order they were added.
  void add_filter(std::shared_ptr<FrameFilter> filter);
  void remove_filter(const FrameFilter* filter);
  std::vector<std::shared_ptr<FrameFilter>> filters() const { return filters_; }

  void set_echo(bool on) { echo_.store(on, std::memory_order_release); }
  bool echo() const { return echo_.load(std::memory_order_acquire); }

 private:
  std::vector<std::shared_ptr<FrameConsumer>> consumers_;
  std::vector<std::shared_ptr<FrameConsumer>> write_consumers_;
  std::vector<std::shared_ptr<FrameFilter>> filters_;
  std::atomic<bool> echo_{false};
};

}  // namespace es::sw
