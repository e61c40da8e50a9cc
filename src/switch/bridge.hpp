// Bridging two legs (docs/call-behaviour.md §14): audio frames and DTMF cross between them
// until either side ends, CHANNEL_BRIDGE / CHANNEL_UNBRIDGE mark the bridge on the first leg
// (docs/event-formats.md §8.5), and the *_after_bridge variables decide what each surviving leg
// does next. Used by the `bridge` application and the `uuid_bridge` command.
#pragma once

#include <asio/awaitable.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "switch/session/session.hpp"

namespace es::sw {

class SwitchCore;

// The bridge application's half (switch_ivr_multi_threaded_bridge): `caller` runs the
// application and keeps processing its queued commands while bridged; `peer` is a leg
// returned by originate, released from its hold into CS_EXCHANGE_MEDIA. Returns when the
// bridge is over, after CHANNEL_UNBRIDGE and the after-bridge handling of both legs. Runs on
// the caller's strand.
asio::awaitable<void> run_bridge(SessionPtr caller, SessionPtr peer);

// What a failed bridge does to the caller (switch_channel_handle_cause): continue_on_fail,
// failure_causes and transfer_on_fail decide; otherwise the caller is hung up with `cause`.
void handle_bridge_failure(Session& caller, int cause);

// The variables named in the comma list `list_var` of `from` ("nolocal:" / "_nolocal_"
// prefixes removed from the names), after the list variable itself, as FreeSWITCH exports
// them to another leg.
std::vector<std::pair<std::string, std::string>> exported_variables(const Session& from,
                                                                    std::string_view list_var);

// switch_ivr_uuid_bridge: takes both legs out of whatever they do and bridges them (the one
// without media becomes the second leg); a coroutine on the first leg's strand controls the
// bridge. False when either is missing or down, or neither has media.
bool uuid_bridge(SwitchCore& core, std::string_view originator_uuid,
                 std::string_view originatee_uuid);

}  // namespace es::sw
