// status, version, uptime, hostname, switchname, banner, create_uuid, module_exists.
#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/commands/command_groups.hpp"
#include "core/text/separate_string.hpp"
#include "core/uuid.hpp"
#include "protocol/ascii.hpp"

namespace es::core::commands {
namespace {

constexpr std::string_view kUptimeSyntax =
    "[us|ms|s|m|h|d|microseconds|milliseconds|seconds|minutes|hours|days]";

// switch_core_banner, byte for byte.
constexpr std::string_view kBanner =
    "\n"
    ".=============================================================.\n"
    "|   _____              ______        _____ _____ ____ _   _   |\n"
    "|  |  ___| __ ___  ___/ ___\\ \\      / /_ _|_   _/ ___| | | |  |\n"
    "|  | |_ | '__/ _ \\/ _ \\___ \\\\ \\ /\\ / / | |  | || |   | |_| |  |\n"
    "|  |  _|| | |  __/  __/___) |\\ V  V /  | |  | || |___|  _  |  |\n"
    "|  |_|  |_|  \\___|\\___|____/  \\_/\\_/  |___| |_| \\____|_| |_|  |\n"
    "|                                                             |\n"
    ".=============================================================.\n"
    "|   Anthony Minessale II, Michael Jerris, Brian West, Others  |\n"
    "|   FreeSWITCH (http://www.freeswitch.org)                    |\n"
    "|   Paypal Donations Appreciated: paypal@freeswitch.org       |\n"
    "|   Brought to you by ClueCon http://www.cluecon.com/         |\n"
    ".=============================================================.\n"
    "\n";

std::int64_t uptime_us(Runtime& rt) {
  std::int64_t elapsed = rt.clock().now_epoch_us() - rt.identity().start_epoch_us;
  return elapsed < 0 ? 0 : elapsed;
}

bool core_ready(Runtime& rt) {
  auto& stats = rt.sessions();
  bool paused_both = !stats.accepting_inbound.load() && !stats.accepting_outbound.load();
  return !rt.settings().shutdown_requested.load() && !paused_both;
}

ApiStatus version_command(std::string_view arg, std::string& out, Runtime& rt) {
  const std::string& full = rt.identity().version_full;
  if (arg.empty()) {
    out += fmt::format("FreeSWITCH Version {} ({})\n", full, kRevisionHuman);
    return ApiStatus::kSuccess;
  }
  auto words = text::separate_string(arg, ' ', 2);
  bool is_short = false;
  if (!words.empty()) {
    is_short = protocol::icontains(words[0], "short");
  }
  if (is_short) {
    out += fmt::format("{}\n", kVersionShort);
  } else {
    out += fmt::format("FreeSWITCH Version {} ({})\n", full, kVersionFullHuman);
  }
  return ApiStatus::kSuccess;
}

ApiStatus uptime_command(std::string_view arg, std::string& out, Runtime& rt) {
  struct Unit {
    std::string_view long_name, short_name;
    std::int64_t scale;
  };
  static constexpr Unit kUnits[] = {{"microseconds", "us", 1},    {"milliseconds", "ms", 1000},
                                    {"seconds", "s", 1000000},    {"minutes", "m", 60000000},
                                    {"hours", "h", 3600000000LL}, {"days", "d", 86400000000LL}};
  std::int64_t scale = 1000000;
  if (!arg.empty()) {
    scale = 0;
    for (const auto& unit : kUnits) {
      if (protocol::iequals(arg, unit.long_name) || protocol::iequals(arg, unit.short_name)) {
        scale = unit.scale;
      }
    }
    if (scale == 0) {
      out += fmt::format("-USAGE: {}\n", kUptimeSyntax);
      return ApiStatus::kSuccess;
    }
  }
  // FreeSWITCH prints the quotient with %u: only its low 32 bits show.
  out += fmt::format("{}\n", static_cast<std::uint32_t>(uptime_us(rt) / scale));
  return ApiStatus::kSuccess;
}

}  // namespace

std::string status_text(Runtime& rt) {
  auto& stats = rt.sessions();
  std::string out = fmt::format("UP {}\n", format_uptime(uptime_us(rt)));
  out += fmt::format("FreeSWITCH (Version {}) is {}\n", kVersionFullHuman,
                     core_ready(rt) ? "ready" : "not ready");
  out += fmt::format("{} session(s) since startup\n", stats.since_startup.load());
  out += fmt::format("{} session(s) - peak {}, last 5min {} \n", stats.active.load(),
                     stats.peak.load(), stats.peak_5min.load());
  out += fmt::format("{} session(s) per Sec out of max {}, peak {}, last 5min {} \n",
                     stats.last_sps.load(), stats.max_sps.load(), stats.sps_peak.load(),
                     stats.sps_peak_5min.load());
  out += fmt::format("{} session(s) max\n", stats.max_sessions.load());
  out += fmt::format("min idle cpu {:.2f}/{:.2f}\n", rt.settings().min_idle_cpu.load(),
                     rt.idle_cpu.load());
  rlimit limit{};
  if (getrlimit(RLIMIT_STACK, &limit) == 0) {
    out += stack_size_line(limit.rlim_cur, limit.rlim_max, ::geteuid() == 0);
  }
  return out;
}

std::string stack_size_line(unsigned long long cur, unsigned long long max, bool privileged) {
  // FreeSWITCH sets RLIMIT_STACK to its thread stack size (240 KiB) under its system thread
  // stack size (8 MiB) at startup; that fails, leaving the limits as they were, when the hard
  // limit is lower and the process may not raise it. eventswitch keeps its own limits (its
  // sessions are coroutines) and shows what FreeSWITCH would show on this machine.
  constexpr unsigned long long kThreadStackSize = 240ULL * 1024;
  constexpr unsigned long long kSystemThreadStackSize = 8192ULL * 1024;
  if (privileged || max == RLIM_INFINITY || max >= kSystemThreadStackSize) {
    cur = kThreadStackSize;
    max = kSystemThreadStackSize;
  }
  // Printed with %ld from unsigned sizes, as FreeSWITCH does.
  return fmt::format("Current Stack Size/Max {}K/{}K\n",
                     static_cast<long>(static_cast<std::size_t>(cur) / 1024),
                     static_cast<long>(static_cast<std::size_t>(max) / 1024));
}

void register_info_commands(Runtime& rt) {
  add_command(rt, "status", "Show current status", "",
              [&rt](std::string_view, std::string& out, const ApiContext&) {
                out += status_text(rt);
                return ApiStatus::kSuccess;
              },
              {.may_block = false});
  add_command(rt, "version", "Version", "[short]",
              [&rt](std::string_view arg, std::string& out, const ApiContext&) {
                return version_command(arg, out, rt);
              },
              {.may_block = false});
  add_command(rt, "uptime", "Show uptime", std::string(kUptimeSyntax),
              [&rt](std::string_view arg, std::string& out, const ApiContext&) {
                return uptime_command(arg, out, rt);
              },
              {.may_block = false});
  add_command(rt, "hostname", "Return the system hostname", "",
              [&rt](std::string_view, std::string& out, const ApiContext&) {
                out += rt.identity().hostname;
                return ApiStatus::kSuccess;
              },
              {.may_block = false});
  add_command(rt, "switchname", "Return the switch name", "",
              [&rt](std::string_view, std::string& out, const ApiContext&) {
                const auto& id = rt.identity();
                out += id.switchname.empty() ? id.hostname : id.switchname;
                return ApiStatus::kSuccess;
              },
              {.may_block = false});
  add_command(rt, "banner", "Return the system banner", "",
              [](std::string_view, std::string& out, const ApiContext&) {
                out += kBanner;
                return ApiStatus::kSuccess;
              },
              {.may_block = false});
  // The syntax string is mod_commands' (it reuses uuid_bridge's).
  add_command(rt, "create_uuid", "Create a uuid", "<uuid> <other_uuid>",
              [](std::string_view, std::string& out, const ApiContext&) {
                out += make_uuid();
                return ApiStatus::kSuccess;
              },
              {.may_block = false});
  add_command(rt, "module_exists", "Check if module exists", "<module>",
              [&rt](std::string_view arg, std::string& out, const ApiContext&) {
                if (arg.empty()) return ApiStatus::kSuccess;
                bool found = false;
                for (const auto& command : rt.api().list()) {
                  if (command.module == arg) found = true;
                }
                for (const auto& entry : rt.interfaces().list()) {
                  if (entry.module == arg) found = true;
                }
                out += found ? "true" : "false";
                return ApiStatus::kSuccess;
              },
              {.may_block = false});
}

}  // namespace es::core::commands
