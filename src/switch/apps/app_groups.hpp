// Registration of the application groups (one file per group) and helpers they share.
#pragma once

#include <string_view>
#include <vector>

#include "switch/application_registry.hpp"
#include "switch/session/channel_driver.hpp"

namespace es::sw {

class SwitchCore;

void register_basic_apps(ApplicationRegistry& registry);
void register_media_apps(ApplicationRegistry& registry);   // apps/media_apps*.cpp
void register_bridge_apps(ApplicationRegistry& registry);  // apps/bridge_app.cpp
void register_sched_apps(ApplicationRegistry& registry);   // apps/sched_apps.cpp
void register_socket_app(ApplicationRegistry& registry);   // apps/socket_app.cpp
// Every application group, and the "application" rows of show/help.
void register_applications(SwitchCore& core);

// uuid_send_dtmf / send_dtmf digit strings: groups split on '+', "@<ms>" durations, only
// 0-9 A-D a-d # * w W F f kept.
std::vector<Dtmf> dtmf_from_string(std::string_view text);

}  // namespace es::sw
