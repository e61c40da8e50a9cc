#include "switch/scheduler.hpp"

#include <asio/post.hpp>

#include <map>
#include <optional>

#include "core/log_bus.hpp"
#include "core/saturating.hpp"
#include "core/spawn.hpp"
#include "switch/application_registry.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {

Scheduler::Scheduler(SwitchCore& core, std::uint32_t last_reserved_id)
    : core_(core), last_id_(last_reserved_id) {}

Scheduler::~Scheduler() {
  std::lock_guard lock(mutex_);
  if (timer_) core_.timers().cancel(timer_);
}

std::int64_t Scheduler::now_s() const {
  return core_.runtime().clock().now_epoch_us() / 1000000;
}

std::uint32_t Scheduler::add(std::int64_t runtime_epoch_s, std::string_view desc,
                             std::string_view group, TaskFunction fn, bool own_thread) {
  auto entry = std::make_shared<Entry>();
  std::int64_t now = now_s();
  if (runtime_epoch_s < now) {
    entry->task.repeat = static_cast<std::uint32_t>(runtime_epoch_s);
    runtime_epoch_s += now;
  }
  entry->task.created = now;
  entry->task.runtime = runtime_epoch_s;
  entry->task.group = group.empty() ? std::string("none") : std::string(group);
  entry->task.desc = desc.empty() ? std::string("none") : std::string(desc);
  entry->fn = std::move(fn);
  entry->own_thread = own_thread;
  ScheduledTask added;
  {
    std::lock_guard lock(mutex_);
    // Ids wrap around but are never 0.
    do {
      entry->task.id = ++last_id_;
    } while (entry->task.id == 0);
    tasks_.push_back(entry);
    added = entry->task;
  }
  ES_LOG(core_.runtime().log(), core::LogLevel::kDebug, "Added task {} {} ({}) to run at {}",
         added.id, added.desc, added.group, added.runtime);
  fire(core::EventType::kAddSchedule, added);
  arm();
  return added.id;
}

std::uint32_t Scheduler::remove_id(std::uint32_t id) {
  std::uint32_t count = 0;
  {
    std::lock_guard lock(mutex_);
    for (auto& entry : tasks_) {
      if (entry->task.id != id) continue;
      if (entry->running) {
        entry->destroy_requested = true;
      } else {
        entry->destroyed = true;
      }
      count = 1;
      break;
    }
  }
  collect_destroyed();
  arm();
  return count;
}

std::uint32_t Scheduler::remove_group(std::string_view group) {
  if (group.empty()) return 0;
  std::uint32_t count = 0;
  {
    std::lock_guard lock(mutex_);
    for (auto& entry : tasks_) {
      if (entry->destroyed || entry->task.group != group) continue;
      if (entry->running) {
        entry->destroy_requested = true;
      } else {
        entry->destroyed = true;
      }
      ++count;
    }
  }
  collect_destroyed();
  arm();
  return count;
}

std::vector<ScheduledTask> Scheduler::tasks() const {
  std::lock_guard lock(mutex_);
  std::vector<ScheduledTask> out;
  for (const auto& entry : tasks_) {
    if (!entry->destroyed) out.push_back(entry->task);
  }
  return out;
}

void Scheduler::arm() {
  std::lock_guard lock(mutex_);
  std::int64_t earliest = -1;
  for (const auto& entry : tasks_) {
    if (entry->destroyed || entry->running) continue;
    if (earliest < 0 || entry->task.runtime < earliest) earliest = entry->task.runtime;
  }
  if (earliest == armed_for_ && (timer_ || earliest < 0)) return;
  if (timer_) core_.timers().cancel(timer_);
  timer_ = 0;
  armed_for_ = earliest;
  if (earliest < 0) return;
  // The task is due when the epoch clock reaches its second; timers run on monotonic time.
  auto& clock = core_.runtime().clock();
  std::int64_t wait_us =
      core::saturating_sub(core::saturating_mul(earliest, 1000000), clock.now_epoch_us());
  if (wait_us < 0) wait_us = 0;
  std::weak_ptr<Scheduler> weak = weak_from_this();
  timer_ = core_.timers().call_at(core::saturating_add(clock.now_monotonic_us(), wait_us), [weak] {
    if (auto self = weak.lock()) self->run_due();
  });
}

void Scheduler::run_due() {
  {
    std::lock_guard pass(pass_mutex_);
    {
      std::lock_guard lock(mutex_);
      timer_ = 0;
      armed_for_ = -1;
    }
    for (;;) {
      EntryPtr due;
      std::int64_t now = now_s();
      {
        std::lock_guard lock(mutex_);
        for (auto& entry : tasks_) {
          if (!entry->destroyed && !entry->running && now >= entry->task.runtime) {
            due = entry;
            break;
          }
        }
        if (!due) break;
        if (std::int64_t late = core::saturating_sub(now, due->task.runtime); late > 1) {
          ES_LOG(core_.runtime().log(), core::LogLevel::kWarning,
                 "Task was executed late by {} seconds {} {} ({})", late, due->task.id,
                 due->task.desc, due->task.group);
        }
        due->executed = now;
        due->running = true;
      }
      if (due->own_thread) {
        std::weak_ptr<Scheduler> weak = weak_from_this();
        core::post_guarded(core_.runtime().log(), core_.io(), "scheduled task", [weak, due] {
          if (auto self = weak.lock()) {
            due->fn(due->task);
            self->finish(due);
            self->collect_destroyed();
            self->arm();
          }
        });
      } else {
        due->fn(due->task);
        finish(due);
      }
    }
  }
  collect_destroyed();
  arm();
}

void Scheduler::finish(const EntryPtr& entry) {
  std::optional<ScheduledTask> rescheduled;
  {
    std::lock_guard lock(mutex_);
    entry->running = false;
    if (entry->task.repeat) entry->task.runtime = core::saturating_add(now_s(), entry->task.repeat);
    if (!entry->destroy_requested && entry->task.runtime > entry->executed) {
      entry->executed = 0;
      rescheduled = entry->task;
    } else {
      entry->destroyed = true;
    }
  }
  if (rescheduled) fire(core::EventType::kReSchedule, *rescheduled);
}

void Scheduler::collect_destroyed() {
  std::vector<ScheduledTask> deleted;
  {
    std::lock_guard lock(mutex_);
    std::erase_if(tasks_, [&](const EntryPtr& entry) {
      if (!entry->destroyed || entry->running) return false;
      deleted.push_back(entry->task);
      return true;
    });
  }
  for (const auto& task : deleted) {
    ES_LOG(core_.runtime().log(), core::LogLevel::kDebug, "Deleting task {} {} ({})", task.id,
           task.desc, task.group);
    fire(core::EventType::kDelSchedule, task);
  }
}

void Scheduler::fire(core::EventType type, const ScheduledTask& task) {
  auto& runtime = core_.runtime();
  core::Event event = runtime.events().create(type);
  event.add_header("Task-ID", std::to_string(task.id));
  event.add_header("Task-Desc", task.desc);
  event.add_header("Task-Group", task.group);
  event.add_header("Task-Runtime", std::to_string(task.runtime));
  runtime.bus().fire(std::move(event));
}

// --- one scheduler per switch --------------------------------------------------------------

namespace {

struct SchedulerHolder {
  std::mutex mutex;
  std::shared_ptr<Scheduler> scheduler;
};

std::mutex holders_mutex;
// Keyed by the switch's application registry; the holder itself is owned by the scheduler
// applications registered there, so it goes away with the switch.
std::map<const ApplicationRegistry*, std::weak_ptr<SchedulerHolder>>& holders() {
  static std::map<const ApplicationRegistry*, std::weak_ptr<SchedulerHolder>> map;
  return map;
}

}  // namespace

std::shared_ptr<void> attach_scheduler_holder(ApplicationRegistry& registry) {
  std::lock_guard lock(holders_mutex);
  auto& map = holders();
  std::erase_if(map, [](const auto& item) { return item.second.expired(); });
  auto holder = std::make_shared<SchedulerHolder>();
  map[&registry] = holder;
  return holder;
}

Scheduler& scheduler_of(SwitchCore& core) {
  std::shared_ptr<SchedulerHolder> holder;
  {
    std::lock_guard lock(holders_mutex);
    auto& map = holders();
    auto it = map.find(&core.applications());
    if (it != map.end()) holder = it->second.lock();
    if (!holder) {
      // A switch without the scheduler applications: the map keeps the holder.
      holder = std::make_shared<SchedulerHolder>();
      static std::vector<std::shared_ptr<SchedulerHolder>> unowned;
      unowned.push_back(holder);
      map[&core.applications()] = holder;
    }
  }
  std::lock_guard lock(holder->mutex);
  if (!holder->scheduler) holder->scheduler = std::make_shared<Scheduler>(core);
  return *holder->scheduler;
}

}  // namespace es::sw
