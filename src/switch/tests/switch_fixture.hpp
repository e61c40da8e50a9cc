// A switch in a test: Runtime, io_context with two threads, SwitchCore with every module, and
// a recorder of every fired event. Real time by default; simulated time on request.
#pragma once

#include <gtest/gtest.h>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "core/event_bus.hpp"
#include "core/runtime.hpp"
#include "core/timers.hpp"
#include "switch/switch_core.hpp"

namespace es::sw::testing {

class EventRecorder final : public core::EventSubscriber {
 public:
  using core::EventSubscriber::on_event;
  void on_event(const core::FiredEventPtr& event) override;
  std::vector<core::FiredEventPtr> all() const;
  // Events whose Unique-ID is `uuid`.
  std::vector<core::FiredEventPtr> for_channel(const std::string& uuid) const;
  // Waits until `pred` holds over the recorded events (re-checked on each new event); `pred`
  // runs under the recorder's lock, so it must not call the recorder.
  bool wait_until(const std::function<bool(const std::vector<core::FiredEventPtr>&)>& pred,
                  std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;
  // Waits for an event of `name` (Event-Name) on channel `uuid` (empty: any channel).
  bool wait_for(const std::string& name, const std::string& uuid = {},
                std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;
  void clear();

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<core::FiredEventPtr> events_;
};

// "Event-Name" of each event, in order.
std::vector<std::string> names(const std::vector<core::FiredEventPtr>& events);
std::string header(const core::FiredEventPtr& event, std::string_view name);

class SwitchFixture : public ::testing::Test {
 protected:
  explicit SwitchFixture(bool simulated_time = false);
  ~SwitchFixture() override;

  // Runs an API command like `api <cmd> <arg>` and returns its output.
  std::string api(std::string_view command, std::string_view arg = {});
  // Polls `pred` (every ms) until true or timeout.
  static bool eventually(const std::function<bool()>& pred,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Simulated time only: moves the clock, letting sessions react at each timer.
  void advance_ms(std::int64_t ms);

  std::unique_ptr<core::Runtime> runtime_;
  core::SimulatedClock* simulated_clock_ = nullptr;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::unique_ptr<core::Timers> timers_;
  std::unique_ptr<SwitchCore> switch_;
  std::shared_ptr<EventRecorder> recorder_;
  std::vector<std::thread> threads_;
};

}  // namespace es::sw::testing
