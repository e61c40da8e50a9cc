#include "switch/commands/sim_clock_command.hpp"

#include <fmt/format.h>

#include <cstdlib>

#include "core/commands/separate_string.hpp"
#include "core/saturating.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {

void register_sim_clock_command(SwitchCore& core, core::SimulatedTimers& timers,
                                core::SimulatedClock& clock) {
  core::ApiCommand command;
  command.name = "sim_clock";
  command.module = "mod_eventswitch";
  command.syntax = "[advance <ms>]";
  command.description = "Read or advance the simulated switch clock";
  command.function = [&core, &timers, &clock](std::string_view arg, std::string& out,
                                              const core::ApiContext&) {
    auto words = core::commands::separate_string(arg, ' ', 2);
    if (words.empty()) {
      out += fmt::format("+OK {} {} pending timers\n", clock.now_epoch_us(), timers.pending());
      return core::ApiStatus::kSuccess;
    }
    if (words[0] != "advance" || words.size() < 2) {
      out += "-USAGE: [advance <ms>]\n";
      return core::ApiStatus::kSuccess;
    }
    char* end = nullptr;
    long long ms = std::strtoll(words[1].c_str(), &end, 10);
    if (!end || *end != '\0' || ms < 0) {
      out += "-ERR invalid milliseconds\n";
      return core::ApiStatus::kSuccess;
    }
    core.settle();
    timers.advance(core::saturating_mul(ms, 1000), [&core] { core.settle(); });
    out += fmt::format("+OK {}\n", clock.now_epoch_us());
    return core::ApiStatus::kSuccess;
  };
  core.runtime().api().add(std::move(command));
}

}  // namespace es::sw
