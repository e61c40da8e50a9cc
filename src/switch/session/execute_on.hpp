// The execute_on_* and api_on_* channel variables (switch_channel_execute_on /
// switch_channel_api_on; docs/channel-hooks.md): at a moment of the call (answer,
// pre_answer, media, ring, originate, pre/post_originate) every variable whose name starts
// with the moment's name runs, so execute_on_answer, execute_on_answer_1, ... all do.
#pragma once

#include <string_view>

namespace es::sw {

class Session;

// Each value is "<app> <arg>" or "<app>:<arg>" (run at once, on the calling thread, when the
// application has a synchronous form) or "<app>::<arg>" (queued to the call, as FreeSWITCH's
// execute_application_async; also any application without a synchronous form). The global
// variables count too, as in FreeSWITCH. Returns how many ran or were queued.
int execute_on(Session& session, std::string_view prefix);
// Each value is "<api> <args>" (args expanded against the call), run as an API command on
// behalf of the call. Channel variables only. Returns how many ran.
int api_on(Session& session, std::string_view prefix);

}  // namespace es::sw
