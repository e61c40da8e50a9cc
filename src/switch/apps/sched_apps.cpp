// (being written)
#include "switch/apps/app_groups.hpp"

namespace es::sw {

void register_sched_apps(ApplicationRegistry&) {}

}  // namespace es::sw
