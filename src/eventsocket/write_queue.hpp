// A listener's bounded queue of frames waiting to be written to its socket (named for the
// direction, not for outbound mode). Events and log lines are shared
// with every other listener (no copy); replies and notices are owned strings.
//
// Policy: replies and notices are always accepted (the reader stops reading commands while
// the queue is over its byte bound, so they stay bounded too); events and log lines are
// refused once the queue holds max_events (or max_logs) of them or max_bytes in total, and
// the caller counts the loss.
//
// Bytes are what an item pins in memory, not just the bytes it sends: a queued event keeps its
// whole FiredEvent alive (headers, body, every serialized format), counted at push time, plus
// the queue slot. Items handed to the writer stay counted until it reports them written, so
// a peer that stops reading in the middle of a batch cannot pin a batch beyond the bound.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/fired_event.hpp"
#include "core/log_bus.hpp"
#include "protocol/frames.hpp"

namespace es::eventsocket {

struct WriteQueueLimits {
  std::size_t max_events = 100000;
  std::size_t max_logs = 100000;
  std::size_t max_bytes = 64u << 20;
};

class WriteQueue {
 public:
  enum class Kind : std::uint8_t { kText, kEvent, kLog };

  // 40 bytes: the shared owner keeps the bytes alive, the view is taken once at push time.
  struct Item {
    std::shared_ptr<const void> owner;
    std::string_view view;
    Kind kind = Kind::kText;
    std::uint32_t charge = 0;  // memory counted for this item while queued or being written
    std::string_view bytes() const { return view; }
  };

  // Every queued event and log line is one Item, in every subscriber's queue: its size is
  // what a full queue costs per entry, so it must not grow unnoticed.
  static_assert(sizeof(Item) == 40, "WriteQueue::Item is 40 bytes");

  explicit WriteQueue(WriteQueueLimits limits) : limits_(limits) {}

  void push_text(std::string text);
  bool try_push_event(core::FiredEventPtr event, protocol::EventFormat format,
                      core::JsonValues json_values = core::JsonValues::kStrings);
  bool try_push_log(core::LogLinePtr line);

  // Moves up to max_items / about max_bytes (of frames) from the front into `out`; they stay
  // counted in bytes() until written() is called with them.
  void take(std::vector<Item>& out, std::size_t max_items, std::size_t max_bytes);
  void written(const std::vector<Item>& batch);
  // Drop queued events / log lines (noevents, nolog, kill), keeping texts; clear() drops
  // everything queued. Each returns the bytes it uncounted.
  std::size_t drop_events();
  std::size_t drop_logs();
  std::size_t clear();

  // While a command runs, events and log lines wait behind its reply (FreeSWITCH writes
  // nothing else on a connection while a command runs): they are held aside and appended
  // after whatever the command queued once holding ends.
  void hold(bool on);

  // True when nothing is ready to write (held items wait for the reply).
  bool empty() const { return items_.empty(); }
  // For a write outside the writer (a publisher's direct write): the unwritten bytes of up to
  // `max` ready items from the front, and then `n` bytes of them written: fully written items
  // leave the queue, a partly written one keeps its rest. advance returns the events written.
  std::size_t ready_views(std::string_view* out, std::size_t max) const;
  std::size_t advance(std::size_t n);
  std::size_t bytes() const { return bytes_ + in_flight_bytes_; }
  std::size_t events() const { return events_; }
  std::size_t logs() const { return logs_; }
  const WriteQueueLimits& limits() const { return limits_; }

 private:
  void account_out(const Item& item);
  std::size_t drop_kind(Kind kind);

  WriteQueueLimits limits_;
  std::deque<Item> items_;
  std::deque<Item> held_;
  bool holding_ = false;
  std::size_t bytes_ = 0;            // items queued (ready or held)
  std::size_t in_flight_bytes_ = 0;  // items taken by the writer, not yet written
  std::size_t events_ = 0;
  std::size_t logs_ = 0;
};

}  // namespace es::eventsocket
