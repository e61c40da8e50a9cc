// Publish/subscribe for events. fire() hands the shared event to every subscriber on the
// caller's thread, in fire order (a dispatch lock keeps one global order); subscribers
// must only filter and enqueue, never block.
#pragma once

#include <array>
#include <atomic>
#include <bitset>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/fired_event.hpp"

namespace es::core {

class EventSubscriber;

// Wake-ups held back for the length of a producer's burst. A connection that fires many
// events from one read (pipelined sendevent) passes its batch to fire(): a subscriber that
// queued an event records itself here once instead of waking its writer for every event, and
// the producer calls flush() when the burst ends, before it may wait. One wake-up per
// subscriber per burst lets each writer send the whole burst in one gathered write. Owned and
// used by one coroutine at a time; bounded by the number of subscribers (each is recorded at
// most once per flush, see EventSubscriber::deferred_wake).
class WakeBatch {
 public:
  WakeBatch() = default;
  WakeBatch(const WakeBatch&) = delete;
  WakeBatch& operator=(const WakeBatch&) = delete;
  ~WakeBatch() { flush(); }

  void defer(std::shared_ptr<EventSubscriber> subscriber) {
    pending_.push_back(std::move(subscriber));
  }
  bool empty() const { return pending_.empty(); }
  // Delivers the held wake-ups; the batch is empty afterwards.
  void flush();

 private:
  std::vector<std::shared_ptr<EventSubscriber>> pending_;
};

class EventSubscriber {
 public:
  virtual ~EventSubscriber() = default;
  virtual void on_event(const FiredEventPtr& event) = 0;
  // For subscribers marked with EventBus::set_precheck: costly checks (regular-expression
  // filters) that fire() runs before it takes its dispatch lock, so one subscriber's filters
  // never hold up the delivery of every event to everyone. The token returned is handed to
  // on_event(event, token), under the lock and in fire order as always. A subscriber marked
  // after fire() started gets on_event(event, 0) from that fire.
  virtual std::uint64_t precheck(const FiredEvent&) { return 0; }
  virtual void on_event(const FiredEventPtr& event, std::uint64_t /*precheck_token*/) {
    on_event(event);
  }
  // Delivery inside a producer's burst: a subscriber that would wake a writer may instead
  // record itself in `batch` (once until its deferred_wake runs). Without an override this is
  // the ordinary delivery.
  virtual void on_event(const FiredEventPtr& event, std::uint64_t precheck_token,
                        WakeBatch& /*batch*/) {
    on_event(event, precheck_token);
  }
  // The wake-up held back by a WakeBatch, run when the producer flushes it.
  virtual void deferred_wake() {}
};

class EventBus {
 public:
  using SubscriptionId = std::uint64_t;

  using Interest = std::bitset<kEventTypeCount>;

  // Which CUSTOM subclasses a subscriber takes when its interest has CUSTOM: nullopt for any
  // subclass (the default), else only those named (and CUSTOM events without a subclass).
  using Subclasses = std::optional<std::vector<std::string>>;

  // What the subscribers want, all together (a gateway asks its upstreams for this).
  struct Demand {
    Interest types;                       // the union of every subscriber's interest
    bool any_subclass = false;            // one takes CUSTOM events of every subclass
    std::vector<std::string> subclasses;  // sorted, unique: the subclasses named
  };

  // The bus keeps a weak reference: a destroyed subscriber is skipped and pruned. A new
  // subscriber is interested in every type until it says otherwise.
  SubscriptionId subscribe(std::weak_ptr<EventSubscriber> subscriber);
  // The same, interested from the start in `interest` only (the demand never sees it wider).
  SubscriptionId subscribe(std::weak_ptr<EventSubscriber> subscriber, const Interest& interest,
                           Subclasses subclasses);
  // The types a subscriber may accept (a superset is fine: it still filters on_event).
  void set_interest(SubscriptionId id, const Interest& interest, Subclasses subclasses = {});
  Demand demand() const;
  // Bumped by every change of membership or interest: a demand() reader polls it.
  std::uint64_t demand_generation() const {
    return demand_generation_.load(std::memory_order_acquire);
  }
  // Whether any subscriber may accept events of `type`. Producers of costly events (the
  // switch's channel events) skip building those nobody would receive; lock-free.
  bool wants(EventType type) const {
    auto bit = static_cast<std::size_t>(type);
    return (wanted_[bit / 64].load(std::memory_order_relaxed) >> (bit % 64)) & 1u;
  }
  // Narrows a subscriber to one session's events: those whose Unique-ID or Job-Owner-UUID is
  // `session_uuid` (a controlled socket's myevents). Empty lifts the scope. Scoped subscribers
  // are found by a hash lookup per event, so hundreds of controlled sockets cost each event
  // one lookup instead of a visit to each of them.
  void set_scope(SubscriptionId id, const std::string& session_uuid);
  // Whether fire() calls the subscriber's precheck before delivering (off for new ones).
  void set_precheck(SubscriptionId id, bool on);
  void unsubscribe(SubscriptionId id);

  // Moves the event into a shared FiredEvent (Event-Subclass moved first, as FreeSWITCH's
  // delivery copy) and delivers it. Returns the shared event.
  FiredEventPtr fire(Event event);
  // The same, with the subscribers' wake-ups held in `batch` until the caller flushes it.
  FiredEventPtr fire(Event event, WakeBatch& batch);

  std::uint64_t fired_count() const { return fired_.load(std::memory_order_relaxed); }
  std::size_t subscriber_count() const;

 private:
  struct Entry {
    SubscriptionId id;
    std::weak_ptr<EventSubscriber> subscriber;
    Interest interest;
    bool precheck = false;
    // Subclasses, flattened (GCC 12 warns falsely about an optional vector moved in an Entry).
    bool any_subclass = true;
    std::vector<std::string> subclasses;
  };
  using Tokens = std::vector<std::pair<SubscriptionId, std::uint64_t>>;
  // Delivers to the entries interested in `type`; false when one of them is gone.
  static bool deliver_locked(const std::vector<Entry>& entries, EventType type,
                             const FiredEventPtr& fired, const Tokens& tokens, WakeBatch* batch);
  FiredEventPtr fire_with(Event event, WakeBatch* batch);
  // The prechecks of this event, run without the dispatch lock.
  Tokens run_prechecks(const FiredEvent& fired) const;
  // Takes the entry out of whichever list holds it.
  std::optional<Entry> extract_locked(SubscriptionId id);
  void prune_locked();
  void recompute_wanted_locked();
  // Guards entries_ and serializes delivery so every subscriber sees one order.
  // Subscribers must not (un)subscribe from inside on_event.
  mutable std::mutex mutex_;
  std::vector<Entry> entries_;                                  // unscoped
  std::unordered_map<std::string, std::vector<Entry>> scoped_;  // by session uuid
  SubscriptionId next_id_ = 1;
  std::atomic<std::uint64_t> fired_{0};
  std::array<std::atomic<std::uint64_t>, (kEventTypeCount + 63) / 64> wanted_{};
  std::atomic<std::uint64_t> demand_generation_{0};
  // Copy of the entries marked for precheck, replaced whole when they change, so fire()
  // reads it under its own short lock instead of the dispatch lock.
  mutable std::mutex prechecked_mutex_;
  std::shared_ptr<const std::vector<Entry>> prechecked_;
  std::atomic<bool> any_precheck_{false};
};

}  // namespace es::core
