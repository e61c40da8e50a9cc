#include "switch/tests/switch_fixture.hpp"

#include "core/commands/core_commands.hpp"
#include "switch/session/asio_timers.hpp"
#include "switch/switch_setup.hpp"

namespace es::sw::testing {

void EventRecorder::on_event(const core::FiredEventPtr& event) {
  {
    std::lock_guard lock(mutex_);
    events_.push_back(event);
  }
  changed_.notify_all();
}

std::vector<core::FiredEventPtr> EventRecorder::all() const {
  std::lock_guard lock(mutex_);
  return events_;
}

std::vector<core::FiredEventPtr> EventRecorder::for_channel(const std::string& uuid) const {
  std::vector<core::FiredEventPtr> out;
  std::lock_guard lock(mutex_);
  for (const auto& e : events_) {
    const std::string* id = e->event().header("Unique-ID");
    if (id && *id == uuid) out.push_back(e);
  }
  return out;
}

bool EventRecorder::wait_until(
    const std::function<bool(const std::vector<core::FiredEventPtr>&)>& pred,
    std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return pred(events_); });
}

bool EventRecorder::wait_for(const std::string& name, const std::string& uuid,
                             std::chrono::milliseconds timeout) const {
  return wait_until(
      [&](const std::vector<core::FiredEventPtr>& events) {
        for (const auto& e : events) {
          const std::string* n = e->event().header("Event-Name");
          const std::string* id = e->event().header("Unique-ID");
          if (n && *n == name && (uuid.empty() || (id && *id == uuid))) return true;
        }
        return false;
      },
      timeout);
}

void EventRecorder::clear() {
  std::lock_guard lock(mutex_);
  events_.clear();
}

std::vector<std::string> names(const std::vector<core::FiredEventPtr>& events) {
  std::vector<std::string> out;
  out.reserve(events.size());
  for (const auto& e : events) out.push_back(header(e, "Event-Name"));
  return out;
}

std::string header(const core::FiredEventPtr& event, std::string_view name) {
  const std::string* v = event->event().header(name);
  return v ? *v : std::string();
}

SwitchFixture::SwitchFixture(bool simulated_time) : work_(asio::make_work_guard(io_)) {
  if (simulated_time) {
    auto clock = std::make_unique<core::SimulatedClock>(1700000000LL * 1000000);
    simulated_clock_ = clock.get();
    runtime_ = std::make_unique<core::Runtime>(std::move(clock));
    timers_ = std::make_unique<core::SimulatedTimers>(*simulated_clock_);
  } else {
    runtime_ = std::make_unique<core::Runtime>(std::make_unique<core::RealClock>());
    timers_ = std::make_unique<AsioTimers>(io_);
  }
  runtime_->console_log_level = 0;
  core::register_core_commands(*runtime_);
  switch_ = std::make_unique<SwitchCore>(*runtime_, io_, *timers_);
  install_switch_modules(*switch_);
  recorder_ = std::make_shared<EventRecorder>();
  runtime_->bus().subscribe(recorder_);
  for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
}

SwitchFixture::~SwitchFixture() {
  switch_->hangup_all(16);
  eventually([&] { return switch_->count() == 0; }, std::chrono::seconds(5));
  work_.reset();
  io_.stop();
  for (auto& t : threads_) t.join();
}

std::string SwitchFixture::api(std::string_view command, std::string_view arg) {
  return runtime_->api().execute(command, arg).output;
}

bool SwitchFixture::eventually(const std::function<bool()>& pred,
                               std::chrono::milliseconds timeout) {
  auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return pred();
}

void SwitchFixture::advance_ms(std::int64_t ms) {
  auto* timers = dynamic_cast<core::SimulatedTimers*>(timers_.get());
  ASSERT_NE(timers, nullptr) << "advance_ms needs simulated time";
  switch_->settle();
  timers->advance(ms * 1000, [this] { switch_->settle(); });
}

}  // namespace es::sw::testing
