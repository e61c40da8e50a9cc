// A Runtime on a simulated clock with the core commands registered, for command tests.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/commands/core_commands.hpp"
#include "core/runtime.hpp"

namespace es::core::commands {

// 2023-11-14 22:13:20 UTC.
inline constexpr std::int64_t kTestStartUs = 1700000000000000;

class CommandTest : public ::testing::Test {
 protected:
  CommandTest() : clock_(new SimulatedClock(kTestStartUs)), rt_(std::unique_ptr<Clock>(clock_)) {
    register_core_commands(rt_);
  }

  // Output of the command as the executor returns it.
  std::string run(std::string_view name, std::string_view arg = {}) {
    return rt_.api().execute(name, arg).output;
  }

  SimulatedClock* clock_;  // owned by rt_
  Runtime rt_;
};

}  // namespace es::core::commands
