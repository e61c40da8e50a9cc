#include "switch/commands/call_actions.hpp"

#include <fmt/format.h>

#include <string>

#include "core/log_bus.hpp"
#include "switch/media/audio_source.hpp"
#include "switch/scheduler.hpp"
#include "switch/session/session.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {
namespace {

core::Event execute_command(std::string_view app, std::string_view arg, unsigned flags,
                            bool lead_frames) {
  core::Event command(core::EventType::kCommand);
  command.add_header("call-command", "execute");
  command.add_header("execute-app-name", app);
  command.add_header("execute-app-arg", arg);
  command.add_header("event-lock", "true");
  if (lead_frames) command.add_header("lead-frames", "5");
  if (flags & broadcast_flag::kLoop) command.add_header("loops", "-1");
  if (flags & broadcast_flag::kHoldBleg) command.add_header("hold-bleg", "true");
  return command;
}

}  // namespace

bool broadcast_path_allowed(const Session& session, std::string_view path) {
  if (path.find("::") != std::string_view::npos) return true;
  auto file = media::audio_file_path(path, {});
  if (!file || file->empty() || file->front() != '/') return true;
  return session.may_use_file(*file, "play");
}

std::string refused_file_reply(std::string_view path) {
  return fmt::format("-ERR permission denied: [{}] is outside the allowed directories\n", path);
}

bool broadcast(SwitchCore& core, std::string_view uuid, std::string_view path, unsigned flags) {
  SessionPtr session = core.locate(uuid);
  if (!session) return false;
  std::string app = "playback";
  std::string arg(path);
  if (std::size_t colons = arg.find(':');
      colons != std::string::npos && colons + 1 < arg.size() && arg[colons + 1] == ':') {
    app = arg.substr(0, colons);
    arg = arg.substr(colons + 2);
  }
  std::string cause;
  bool hangup_after = false;
  if (std::size_t bang = app.find('!'); bang != std::string::npos) {
    cause = app.substr(bang + 1);
    app.resize(bang);
    if (cause.empty()) cause = "normal_clearing";
    hangup_after = true;
  }
  if (flags & broadcast_flag::kEchoBleg) {
    if (SessionPtr partner = core.locate(session->partner_uuid())) {
      partner->confine(session->access_rules());  // whoever confined the call sends this too
      partner->queue_command(execute_command(app, arg, flags, true));
    }
  }
  if (flags & broadcast_flag::kEchoAleg) {
    session->queue_command(execute_command(app, arg, flags, true));
  }
  // The hangup goes to the channel itself, never to the partner, and carries no lead frames.
  if (hangup_after) session->queue_command(execute_command("hangup", cause, 0, false));
  return true;
}

bool hold(Session& session, std::string_view message, bool music_on_hold) {
  if (session.call_state() == CallState::kHeld) {
    ES_LOG(session.core().runtime().log(), core::LogLevel::kWarning,
           "Call is already on hold. No need to hold again.");
    return false;
  }
  (void)message;  // the display text goes to the endpoint, which has no display here
  session.set_call_state(CallState::kHeld);
  if (music_on_hold) {
    auto music = session.variable("temp_hold_music");
    if (!music || music->empty()) music = session.variable("hold_music");
    std::string partner = session.partner_uuid();
    if (music && !music->empty() && !partner.empty()) {
      broadcast(session.core(), partner, session.expand(*music),
                broadcast_flag::kEchoAleg | broadcast_flag::kLoop);
    }
  }
  session.fire(core::EventType::kChannelHold);
  return true;
}

bool unhold(Session& session) {
  if (session.call_state() != CallState::kHeld) {
    ES_LOG(session.core().runtime().log(), core::LogLevel::kWarning,
           "Call is not on hold. No need to unhold.");
    return false;
  }
  session.set_call_state(CallState::kUnheld);
  // The partner's music on hold stops.
  if (SessionPtr partner = session.core().locate(session.partner_uuid())) {
    partner->break_requested = true;
    partner->signal();
  }
  session.fire(core::EventType::kChannelUnhold);
  return true;
}

std::uint32_t schedule_hangup(SwitchCore& core, std::int64_t when_epoch_s, std::string_view uuid,
                              int cause, bool bleg) {
  std::string target(uuid);
  return scheduler_of(core).add(
      when_epoch_s, "switch_ivr_schedule_hangup", target,
      [&core, target, cause, bleg](ScheduledTask&) {
        SessionPtr session = core.locate(target);
        if (!session) return;
        if (!bleg) {
          session->hangup(cause);
        } else if (SessionPtr partner = core.locate(session->partner_uuid())) {
          partner->hangup(cause);
        } else {
          ES_LOG(core.runtime().log(), core::LogLevel::kWarning, "No channel to hangup");
        }
      });
}

std::uint32_t schedule_transfer(SwitchCore& core, std::int64_t when_epoch_s, std::string_view uuid,
                                std::string_view extension, std::string_view dialplan,
                                std::string_view context) {
  std::string target(uuid);
  return scheduler_of(core).add(
      when_epoch_s, "switch_ivr_schedule_transfer", target,
      [&core, target, exten = std::string(extension), dp = std::string(dialplan),
       ctx = std::string(context)](ScheduledTask&) {
        if (SessionPtr session = core.locate(target)) session->transfer(exten, dp, ctx);
      });
}

std::uint32_t schedule_broadcast(SwitchCore& core, std::int64_t when_epoch_s, std::string_view uuid,
                                 std::string_view path, unsigned flags) {
  std::string target(uuid);
  return scheduler_of(core).add(when_epoch_s, "switch_ivr_schedule_broadcast", target,
                                [&core, target, p = std::string(path), flags](ScheduledTask&) {
                                  broadcast(core, target, p, flags);
                                });
}

}  // namespace es::sw
