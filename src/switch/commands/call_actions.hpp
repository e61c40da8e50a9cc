// Call actions shared by the API commands and the applications: broadcast
// (switch_ivr_broadcast), hold/unhold (switch_ivr_hold/unhold) and the scheduled
// hangup/transfer/broadcast tasks (switch_ivr_schedule_*).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace es::sw {

class Session;
class SwitchCore;

// switch_media_flag_t bits used by broadcast.
namespace broadcast_flag {
inline constexpr unsigned kEchoAleg = 1;  // run on the channel itself
inline constexpr unsigned kEchoBleg = 2;  // run on its partner
inline constexpr unsigned kHoldBleg = 4;  // "hold-bleg: true" on the queued commands
inline constexpr unsigned kLoop = 8;      // "loops: -1"
}  // namespace broadcast_flag

// Queues "execute" commands for `path` (a file for playback, "<app>::<arg>" or
// "<app>!<cause>::<arg>") on the channel and/or its partner; false when the uuid is not a
// live channel.
bool broadcast(SwitchCore& core, std::string_view uuid, std::string_view path, unsigned flags);
// For the commands' early, clear refusal: false when `path` is an absolute sound file the
// call's access rules refuse (an `app::arg` or a relative file is checked when it runs).
bool broadcast_path_allowed(const Session& session, std::string_view path);
// The reply of an API command whose file argument the caller's rules refuse.
std::string refused_file_reply(std::string_view path);

// false when the call is already held (or, for unhold, not held).
bool hold(Session& session, std::string_view message, bool music_on_hold);
bool unhold(Session& session);

// Scheduler tasks in the channel's group (its uuid); they return the task id.
std::uint32_t schedule_hangup(SwitchCore& core, std::int64_t when_epoch_s, std::string_view uuid,
                              int cause, bool bleg);
std::uint32_t schedule_transfer(SwitchCore& core, std::int64_t when_epoch_s, std::string_view uuid,
                                std::string_view extension, std::string_view dialplan,
                                std::string_view context);
std::uint32_t schedule_broadcast(SwitchCore& core, std::int64_t when_epoch_s, std::string_view uuid,
                                 std::string_view path, unsigned flags);

}  // namespace es::sw
