// The dialplan (and the English phrases) eventswitch uses when its configuration has none, so that
// `./run` can place calls without any configuration (README, "Calls out of the box").
#pragma once

#include <memory>
#include <string_view>

#include "core/global_vars.hpp"
#include "core/xml_config.hpp"

namespace es::sw {

std::string_view default_dialplan_xml();
// The embedded dialplan as a loaded configuration.
std::shared_ptr<const core::XmlConfig> load_default_dialplan(core::GlobalVars& globals);
// Whether `config` has a dialplan of its own (a <context> in its dialplan section).
bool has_dialplan(const core::XmlConfig& config);
// Whether `config` has phrases of its own (a languages or phrases section with content).
bool has_phrases(const core::XmlConfig& config);

}  // namespace es::sw
