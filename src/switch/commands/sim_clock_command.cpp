#include "switch/commands/sim_clock_command.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <future>
#include <memory>

#include "core/saturating.hpp"
#include "core/text/separate_string.hpp"
#include "core/text/text.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {

namespace {

constexpr std::string_view kNotSimulated =
    "-ERR the switch clock is real: start the daemon with --simulated-time to use sim_clock\n";

// msleep/sleep on the simulated clock: done when `sim_clock advance` reaches the deadline. The
// asynchronous form (event socket api/bgapi) holds no thread meanwhile; the blocking form
// (${api(...)} expansions) blocks its caller until then.
void register_simulated_sleep(SwitchCore& core, core::SimulatedTimers& timers,
                              core::SimulatedClock& clock) {
  for (const char* name : {"msleep", "sleep"}) {
    core::ApiCommand command;
    command.name = name;
    command.module = "mod_commands";
    command.syntax = "<milliseconds>";
    command.description = "Sleep N milliseconds";
    command.async_function = [&timers, &clock](const std::string& arg, const core::ApiContext&,
                                               core::ApiCompletion done) {
      long long ms = text::c_atol(arg);
      if (ms <= 0) {
        done(core::ApiStatus::kSuccess, "+OK");
        return;
      }
      timers.call_at(clock.now_monotonic_us() + ms * 1000,
                     [done = std::move(done)] { done(core::ApiStatus::kSuccess, "+OK"); });
    };
    command.function = [&timers, &clock](std::string_view arg, std::string& out,
                                         const core::ApiContext&) {
      long long ms = text::c_atol(arg);
      if (ms > 0) {
        auto woken = std::make_shared<std::promise<void>>();
        std::future<void> wait = woken->get_future();
        timers.call_at(clock.now_monotonic_us() + ms * 1000, [woken] { woken->set_value(); });
        wait.wait();
      }
      out += "+OK";
      return core::ApiStatus::kSuccess;
    };
    core.runtime().api().add(std::move(command));
  }
}

}  // namespace

void register_sim_clock_command(SwitchCore& core, core::SimulatedTimers* timers_or_null,
                                core::SimulatedClock* clock_or_null) {
  core::ApiCommand command;
  command.name = "sim_clock";
  command.module = "mod_eventswitch";
  command.syntax = "[advance <ms>]";
  command.description = "Read or advance the simulated switch clock";
  command.function = [&core, timers_or_null, clock_or_null](std::string_view arg, std::string& out,
                                                            const core::ApiContext&) {
    if (!timers_or_null || !clock_or_null) {
      out += kNotSimulated;
      return core::ApiStatus::kSuccess;
    }
    core::SimulatedTimers& timers = *timers_or_null;
    core::SimulatedClock& clock = *clock_or_null;
    auto words = text::separate_string(arg, ' ', 2);
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
  if (timers_or_null && clock_or_null)
    register_simulated_sleep(core, *timers_or_null, *clock_or_null);
}

}  // namespace es::sw
