// A Runtime on a simulated clock with the core commands registered, for command tests.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/commands/core_commands.hpp"
#include "core/runtime.hpp"

namespace es::core::commands {

// 2023-11-14 22:13:20 UTC.
inline constexpr std::int64_t kTestStartUs = 1700000000000000;

// The switch's channels as a test scripts them; unset functions behave as "no channels".
class ScriptedChannels final : public ChannelDirectory {
 public:
  std::function<std::vector<std::vector<std::string>>(std::string_view subject)> rows;
  std::function<bool(std::string_view uuid, Event& event)> data;
  std::function<void()> hangup;

  std::vector<std::vector<std::string>> channel_rows(std::string_view subject) const override {
    return rows ? rows(subject) : std::vector<std::vector<std::string>>{};
  }
  bool fill_channel_data(std::string_view uuid, Event& event) const override {
    return data && data(uuid, event);
  }
  void hangup_all() override {
    if (hangup) hangup();
  }
};

// The daemon's process actions as a test scripts them.
class ScriptedProcess final : public ProcessControl {
 public:
  std::function<void()> shutdown;
  std::function<std::string()> reload;

  void request_shutdown() override {
    if (shutdown) shutdown();
  }
  std::string reload_xml() override { return reload ? reload() : std::string(); }
};

class CommandTest : public ::testing::Test {
 protected:
  CommandTest() : clock_(new SimulatedClock(kTestStartUs)), rt_(std::unique_ptr<Clock>(clock_)) {
    register_core_commands(rt_);
    rt_.set_channels(&channels_);
    rt_.set_process_control(&process_);
  }

  // Output of the command as the executor returns it.
  std::string run(std::string_view name, std::string_view arg = {}) {
    return rt_.api().execute(name, arg).output;
  }

  SimulatedClock* clock_;  // owned by rt_
  ScriptedChannels channels_;
  ScriptedProcess process_;
  Runtime rt_;
};

}  // namespace es::core::commands
