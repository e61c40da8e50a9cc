// Scheduler applications (mod_dptools.c): sched_hangup, sched_transfer, sched_broadcast,
// sched_cancel, sched_heartbeat, enable_heartbeat; and execute_extension.
#include <cstdlib>
#include <memory>

#include "core/log_bus.hpp"
#include "core/saturating.hpp"
#include "core/text/separate_string.hpp"
#include "core/text/text.hpp"
#include "protocol/ascii.hpp"
#include "switch/apps/app_groups.hpp"
#include "switch/apps/execute_extension_app.hpp"
#include "switch/commands/call_actions.hpp"
#include "switch/scheduler.hpp"
#include "switch/session/hangup_cause.hpp"
#include "switch/session/session.hpp"
#include "switch/session_heartbeat.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {
namespace {

using text::c_atol;
using text::separate_string;

constexpr ApplicationFlags kNoMedia{true, false, false};

std::int64_t now_s(Session& s) {
  return s.core().runtime().clock().now_epoch_us() / 1000000;
}

void log_error(Session& s, std::string_view text) {
  s.core().runtime().log().log(3, "mod_dptools.c", "sched_apps", 0, text, s.uuid());
}

void sched_hangup_app(Session& s, const std::string& arg) {
  if (arg.empty()) return;
  auto argv = separate_string(arg, ' ', 5);
  if (argv.empty()) {
    log_error(s, "No time specified.");
    return;
  }
  std::int64_t seconds = c_atol(std::string_view(argv[0]).substr(1));
  std::int64_t when = argv[0][0] == '+' ? core::saturating_add(now_s(s), seconds) : c_atol(argv[0]);
  int cause = argv.size() > 1 ? cause_from_string(argv[1]) : cause::kAllottedTimeout;
  bool bleg = argv.size() > 2 && protocol::iequals(argv[2], "bleg");
  if (seconds == 0) {
    s.hangup(cause);
  } else {
    schedule_hangup(s.core(), when, s.uuid(), cause, bleg);
  }
}

void sched_transfer_app(Session& s, const std::string& arg) {
  if (arg.empty()) return;
  auto argv = separate_string(arg, ' ', 4);
  if (argv.size() < 2) {
    log_error(s, "Invalid Args");
    return;
  }
  auto word = [&](std::size_t i) { return i < argv.size() ? argv[i] : std::string(); };
  std::int64_t when = argv[0][0] == '+' ? core::saturating_add(now_s(s), c_atol(argv[0].substr(1)))
                                        : c_atol(argv[0]);
  std::uint32_t id = schedule_transfer(s.core(), when, s.uuid(), argv[1], word(2), word(3));
  s.set_variable("last_sched_id", std::to_string(id));
}

void sched_broadcast_app(Session& s, const std::string& arg) {
  if (arg.empty()) return;
  auto argv = separate_string(arg, ' ', 6);
  if (argv.size() < 2) {
    log_error(s, "Invalid Args");
    return;
  }
  std::int64_t when;
  if (argv[0][0] == '@') {
    when = c_atol(argv[0].substr(1));
  } else if (argv[0][0] == '+') {
    when = core::saturating_add(now_s(s), c_atol(argv[0].substr(1)));
  } else {
    when = c_atol(argv[0]);
  }
  unsigned flags = broadcast_flag::kEchoAleg;
  if (argv.size() > 2) {
    // Case-sensitive here, unlike the API command; an unknown word runs nothing.
    flags = argv[2] == "both"   ? broadcast_flag::kEchoAleg | broadcast_flag::kEchoBleg
            : argv[2] == "aleg" ? broadcast_flag::kEchoAleg
            : argv[2] == "bleg" ? broadcast_flag::kEchoBleg
                                : 0u;
  }
  std::uint32_t id = schedule_broadcast(s.core(), when, s.uuid(), argv[1], flags);
  s.set_variable("last_sched_id", std::to_string(id));
}

void sched_cancel_app(Session& s, const std::string& arg) {
  std::string group = arg.empty() ? s.uuid() : arg;
  Scheduler& scheduler = scheduler_of(s.core());
  bool digits = true;
  for (char c : group) digits = digits && c >= '0' && c <= '9';
  if (digits) {
    auto id = static_cast<std::uint32_t>(std::atoi(group.c_str()));
    if (id > 0) scheduler.remove_id(id);
  } else {
    scheduler.remove_group(group);
  }
}

// "[0|<seconds>]" of the heartbeat applications; nullopt (logged) when unusable.
std::optional<int> heartbeat_seconds(Session& s, const std::string& arg) {
  if (!arg.empty()) {
    int seconds = std::atoi(arg.c_str());
    if (seconds >= 0) return seconds;
  }
  log_error(s, "Usage: [0|<seconds>]");
  return std::nullopt;
}

void add_app(ApplicationRegistry& r, const std::shared_ptr<void>& holder, std::string name,
             std::string syntax, std::string description, ApplicationSyncFunction fn) {
  Application app;
  app.name = std::move(name);
  app.syntax = std::move(syntax);
  app.description = std::move(description);
  app.flags = kNoMedia;
  // Each application keeps the switch's scheduler alive as long as the registry lives.
  app.sync = [holder, fn = std::move(fn)](Session& s, const std::string& arg) { fn(s, arg); };
  r.add(std::move(app));
}

}  // namespace

void register_sched_apps(ApplicationRegistry& r) {
  std::shared_ptr<void> holder = attach_scheduler_holder(r);
  add_app(r, holder, "sched_hangup", "[+]<time> [<cause>]", "Schedule a hangup in the future",
          sched_hangup_app);
  add_app(r, holder, "sched_transfer", "[+]<time> <extension> <dialplan> <context>",
          "Schedule a transfer in the future", sched_transfer_app);
  add_app(r, holder, "sched_broadcast", "[+]<time> <path> [aleg|bleg|both]",
          "Schedule a broadcast in the future", sched_broadcast_app);
  add_app(r, holder, "sched_cancel", "[group]", "cancel scheduled tasks", sched_cancel_app);
  add_app(r, holder, "sched_heartbeat", "[0|<seconds>]", "Enable Scheduled Heartbeat",
          [](Session& s, const std::string& arg) {
            if (heartbeat_seconds(s, arg)) sched_heartbeat(s);
          });
  add_app(r, holder, "enable_heartbeat", "[0|<seconds>]", "Enable Media Heartbeat",
          [](Session& s, const std::string& arg) {
            if (auto seconds = heartbeat_seconds(s, arg))
              enable_heartbeat(s, static_cast<std::uint32_t>(*seconds));
          });
  register_execute_extension_app(r);
}

}  // namespace es::sw
