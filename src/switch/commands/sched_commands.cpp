// Scheduler API commands (docs/api-behaviour.md §5): sched_api, unsched_api, sched_del,
// sched_hangup, sched_transfer, sched_broadcast, with mod_commands.c's reply texts.
#include <fmt/format.h>

#include <cstdlib>

#include "core/log_bus.hpp"
#include "core/saturating.hpp"
#include "core/text/separate_string.hpp"
#include "core/text/text.hpp"
#include "protocol/ascii.hpp"
#include "switch/commands/call_actions.hpp"
#include "switch/commands/switch_commands.hpp"
#include "switch/scheduler.hpp"
#include "switch/session/hangup_cause.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {
namespace {

using core::ApiStatus;
using text::c_atol;
using text::separate_string;

std::int64_t now_s(SwitchCore& core) {
  return core.runtime().clock().now_epoch_us() / 1000000;
}

constexpr std::string_view kSchedSyntax = "[+@]<time> <group_name> <command_string>[&]";

void sched_api(SwitchCore& core, std::string_view arg, std::string& out,
               const core::ApiContext& context) {
  std::size_t group_at = arg.find(' ');
  std::size_t command_at =
      group_at == std::string_view::npos ? group_at : arg.find(' ', group_at + 1);
  if (command_at == std::string_view::npos) {
    out += fmt::format("-ERR Invalid syntax. USAGE: {}\n", kSchedSyntax);
    return;
  }
  std::string_view time = arg.substr(0, group_at);
  std::string group(arg.substr(group_at + 1, command_at - group_at - 1));
  std::string command(arg.substr(command_at + 1));
  std::int64_t when;
  std::uint32_t recur = 0;
  if (!time.empty() && time[0] == '+') {
    when = core::saturating_add(now_s(core), c_atol(time.substr(1)));
  } else if (!time.empty() && time[0] == '@') {
    recur = static_cast<std::uint32_t>(c_atol(time.substr(1)));
    when = core::saturating_add(now_s(core), recur);
  } else {
    when = c_atol(time);
  }
  bool own_thread = !command.empty() && command.back() == '&';
  if (own_thread) command.pop_back();
  std::uint32_t id = scheduler_of(core).add(
      when, "sched_api_function", group,
      [&core, command, recur, rules = context.rules](ScheduledTask& task) {
        // It runs later but for the same client: with its rules (a confined user cannot
        // schedule what it could not run).
        core::ApiContext later;
        later.rules = rules;
        auto result = core.runtime().api().execute_line(command, later);
        std::size_t space = command.find(' ');
        ES_LOG(core.runtime().log(), core::LogLevel::kDebug, "Command {}({}):\n{}",
               command.substr(0, space),
               space == std::string::npos ? std::string() : command.substr(space + 1),
               result.output);
        if (recur) task.runtime = core::saturating_add(now_s(core), recur);
      },
      own_thread);
  out += fmt::format("+OK Added: {}\n", id);
}

void unsched_api(SwitchCore& core, std::string_view arg, std::string& out) {
  auto id = static_cast<std::uint32_t>(c_atol(arg));
  if (!id) return;
  out += scheduler_of(core).remove_id(id) ? "+OK\n" : "-ERR No such id\n";
}

bool is_digit_string(std::string_view text) {
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

void sched_del(SwitchCore& core, std::string_view arg, std::string& out) {
  std::uint32_t count = 0;
  if (is_digit_string(arg)) {
    auto id = static_cast<std::uint32_t>(std::atoi(std::string(arg).c_str()));
    if (id > 0) count = scheduler_of(core).remove_id(id);
  } else {
    count = scheduler_of(core).remove_group(arg);
  }
  out += fmt::format("+OK Deleted: {}\n", count);
}

void sched_hangup(SwitchCore& core, std::string_view arg, std::string& out) {
  auto argv = separate_string(arg, ' ', 4);
  if (argv.empty() || argv[0].empty()) {
    out += "-USAGE: [+]<time> <uuid> [<cause>]\n";
    return;
  }
  // As in FreeSWITCH the first character is skipped even without '+', so an absolute time of
  // one digit hangs up at once.
  std::int64_t seconds = c_atol(std::string_view(argv[0]).substr(1));
  std::int64_t when =
      argv[0][0] == '+' ? core::saturating_add(now_s(core), seconds) : c_atol(argv[0]);
  int cause = argv.size() > 2 ? cause_from_string(argv[2]) : cause::kAllottedTimeout;
  SessionPtr session = argv.size() > 1 ? core.locate(argv[1]) : nullptr;
  if (!session) {
    out += "-ERR No such channel!\n";
    return;
  }
  if (seconds == 0) {
    session->hangup(cause);
  } else {
    schedule_hangup(core, when, session->uuid(), cause, false);
  }
  out += "+OK\n";
}

constexpr std::string_view kSchedTransferSyntax =
    "[+]<time> <uuid> <extension> [<dialplan>] [<context>]";

void sched_transfer(SwitchCore& core, std::string_view arg, std::string& out) {
  auto argv = separate_string(arg, ' ', 6);
  if (argv.size() < 2 || argv.size() > 5 || argv[0].empty()) {
    out += fmt::format("-USAGE: {}\n", kSchedTransferSyntax);
    return;
  }
  auto word = [&](std::size_t i) { return i < argv.size() ? argv[i] : std::string(); };
  std::int64_t when = argv[0][0] == '+'
                          ? core::saturating_add(now_s(core), c_atol(argv[0].substr(1)))
                          : c_atol(argv[0]);
  SessionPtr session = core.locate(argv[1]);
  if (!session) {
    out += "-ERR No such channel!\n";
    return;
  }
  schedule_transfer(core, when, session->uuid(), word(2), word(3), word(4));
  out += "+OK\n";
}

constexpr std::string_view kSchedBroadcastSyntax =
    "[[+]<time>|@time] <uuid> <path> [aleg|bleg|both]";

void sched_broadcast(SwitchCore& core, std::string_view arg, std::string& out) {
  auto argv = separate_string(arg, ' ', 4);
  if (argv.size() < 3 || argv[0].empty()) {
    out += fmt::format("-USAGE: {}\n", kSchedBroadcastSyntax);
    return;
  }
  std::int64_t when;
  if (argv[0][0] == '@') {
    when = c_atol(argv[0].substr(1));
  } else if (argv[0][0] == '+') {
    when = core::saturating_add(now_s(core), c_atol(argv[0].substr(1)));
  } else {
    when = c_atol(argv[0]);
  }
  unsigned flags = 0;
  if (argv.size() > 3) {
    if (protocol::iequals(argv[3], "both")) {
      flags = broadcast_flag::kEchoAleg | broadcast_flag::kEchoBleg;
    } else if (protocol::iequals(argv[3], "aleg")) {
      flags = broadcast_flag::kEchoAleg;
    } else if (protocol::iequals(argv[3], "bleg")) {
      flags = broadcast_flag::kEchoBleg;
    }
  } else {
    flags = broadcast_flag::kEchoAleg;
  }
  if (SessionPtr s = core.locate(argv[1]); s && !broadcast_path_allowed(*s, argv[2])) {
    out += refused_file_reply(argv[2]);
    return;
  }
  // Scheduled whether or not the uuid exists; the task finds out when it runs.
  schedule_broadcast(core, when, argv[1], argv[2], flags);
  out += "+OK Message scheduled\n";
}

}  // namespace

void register_sched_commands(SwitchCore& core) {
  add_switch_command_with_context(core, "sched_api", std::string(kSchedSyntax),
                                  "Schedule an api command", sched_api);
  add_switch_command(core, "unsched_api", "<task_id>", "Unschedule an api command", unsched_api);
  add_switch_command(core, "sched_del", "<task_id>|<group_id>", "Delete a scheduled task",
                     sched_del);
  add_switch_command(core, "sched_hangup", "[+]<time> <uuid> [<cause>]",
                     "Schedule a running call to hangup", sched_hangup);
  add_switch_command(core, "sched_transfer", std::string(kSchedTransferSyntax),
                     "Schedule a transfer for a running call", sched_transfer);
  add_switch_command(core, "sched_broadcast", std::string(kSchedBroadcastSyntax),
                     "Schedule a broadcast event to a running call", sched_broadcast);
}

}  // namespace es::sw
