// FreeSWITCH's task scheduler (switch_scheduler.c) on the switch timers, so simulated time
// drives it: tasks due at an epoch second, optional repetition, deletion by id or group, and
// the ADD_SCHEDULE / RE_SCHEDULE / DEL_SCHEDULE events.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/event_type.hpp"
#include "core/timers.hpp"

namespace es::sw {

class SwitchCore;
class ApplicationRegistry;

struct ScheduledTask {
  std::uint32_t id = 0;
  std::int64_t created = 0;  // epoch seconds
  std::int64_t runtime = 0;  // epoch seconds; a task may move it to run again
  std::uint32_t repeat = 0;  // seconds between runs (0: once)
  std::string group;
  std::string desc;
};

class Scheduler : public std::enable_shared_from_this<Scheduler> {
 public:
  using TaskFunction = std::function<void(ScheduledTask&)>;

  // Task ids continue after `last_reserved_id` (the core heartbeat task announces id 1).
  Scheduler(SwitchCore& core, std::uint32_t last_reserved_id = 1);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // switch_scheduler_add_task: a runtime already in the past is taken as a repeat interval
  // (runtime = now + it, repeating). `own_thread` runs the task off the timer thread.
  std::uint32_t add(std::int64_t runtime_epoch_s, std::string_view desc, std::string_view group,
                    TaskFunction fn, bool own_thread = false);
  // Number of tasks deleted (0 or 1); a running task is deleted once it returns.
  std::uint32_t remove_id(std::uint32_t id);
  // Case-sensitive group match; an empty group deletes nothing.
  std::uint32_t remove_group(std::string_view group);
  std::vector<ScheduledTask> tasks() const;

 private:
  struct Entry {
    ScheduledTask task;
    TaskFunction fn;
    std::int64_t executed = 0;
    bool own_thread = false;
    bool running = false;
    bool destroyed = false;
    bool destroy_requested = false;
  };
  using EntryPtr = std::shared_ptr<Entry>;

  std::int64_t now_s() const;
  void arm();
  void run_due();
  void finish(const EntryPtr& entry);
  void collect_destroyed();
  void fire(core::EventType type, const ScheduledTask& task);

  SwitchCore& core_;
  mutable std::mutex mutex_;
  std::mutex pass_mutex_;  // one pass over due tasks at a time
  std::vector<EntryPtr> tasks_;
  std::uint32_t last_id_;
  core::Timers::Id timer_ = 0;
  std::int64_t armed_for_ = -1;  // runtime (epoch s) the timer was armed for
};

// The scheduler of a switch. It lives as long as the switch's application registry (the
// scheduler applications hold it), created on first use.
Scheduler& scheduler_of(SwitchCore& core);
// Gives `registry` a holder for its switch's scheduler; the returned handle keeps it alive.
std::shared_ptr<void> attach_scheduler_holder(ApplicationRegistry& registry);

}  // namespace es::sw
