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
  // What the switch has besides endpoints and applications, as FreeSWITCH names them in
  // show codec / show dialplan: one codec (every frame is 16-bit linear PCM) and two dialplans.
  core.runtime().interfaces().add(
      {"codec", "RAW Signed Linear (16 bit)", {}, {}, "CORE_PCM_MODULE", {}});
  core.runtime().interfaces().add({"dialplan", "XML", {}, {}, "mod_dialplan_xml", {}});
  core.runtime().interfaces().add({"dialplan", "inline", {}, {}, "mod_dptools", {}});
  // The speak application's one engine (docs/speech.md).
  core.runtime().interfaces().add({"speech", "flite", {}, {}, "mod_flite", {}});
  register_applications(core);
  register_switch_commands(core);
  core.attach_to_runtime();
}

}  // namespace es::sw
