#include "core/runtime.hpp"
#include "switch/apps/app_groups.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {

void register_applications(SwitchCore& core) {
  ApplicationRegistry& registry = core.applications();
  register_basic_apps(registry);
  register_media_apps(registry);
  register_bridge_apps(registry);
  register_sched_apps(registry);
  register_socket_app(registry);
  for (const auto& app : registry.list()) {
    core.runtime().interfaces().add(
        {"application", app->name, app->description, app->syntax, app->module, {}});
  }
}

}  // namespace es::sw
