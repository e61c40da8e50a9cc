#pragma once

#include <memory>
#include <vector>

#include "core/api_registry.hpp"
#include "core/global_vars.hpp"
#include "sip/sofia/sofia_profile.hpp"

namespace es::sip::sofia {

// The `sofia` API command, as far as this slice goes: `sofia status` (the profile table) and
// `sofia status profile <name>` (its settings and counters), in FreeSWITCH's layout, for every
// profile (and its gateways). Other sub-commands answer that they are not implemented yet.
void register_sofia_api(core::ApiRegistry& registry,
                        std::vector<std::shared_ptr<SofiaProfile>> profiles);

// The `sofia_contact` API command (sofia_contact in sofia_registrar.hpp) over these profiles;
// the global `domain` (else "freeswitch.local") stands in for a missing domain.
void register_sofia_contact_api(core::ApiRegistry& registry, const core::GlobalVars& globals,
                                std::vector<std::shared_ptr<SofiaProfile>> profiles);

}  // namespace es::sip::sofia
