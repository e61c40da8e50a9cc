#include "switch/switch_setup.hpp"

#include "switch/apps/app_groups.hpp"
#include "switch/commands/switch_commands.hpp"
#include "switch/endpoints/builtin_endpoints.hpp"
#include "switch/endpoints/sim_endpoint.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {

void install_switch_modules(SwitchCore& core) {
  for (auto endpoint : {make_null_endpoint(), make_loopback_endpoint(), make_error_endpoint(),
                        make_sim_endpoint()}) {
    core.runtime().interfaces().add(
        {"endpoint", std::string(endpoint->name()), {}, {}, "mod_loopback", {}});
    core.endpoints().add(std::move(endpoint));
  }
  register_applications(core);
  register_switch_commands(core);
  core.attach_to_runtime();
}

}  // namespace es::sw
