// switch.conf.xml's <settings> (and post_load_switch.conf's, which FreeSWITCH reads the same
// way after its modules load): the params that mean something here set the Runtime, the others
// are accepted with one DEBUG line each (docs/configuration-files.md).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/log_bus.hpp"
#include "core/runtime.hpp"
#include "core/xml_config.hpp"

namespace es::core {

struct SwitchConfOutcome {
  // Log lines to write once the console is set up, in param order.
  std::vector<std::pair<LogLevel, std::string>> messages;
  std::optional<int> loglevel;           // `loglevel` (the console's level)
  std::optional<bool> colorize_console;  // `colorize-console`
};

// Reads <configuration name="switch.conf"> then "post_load_switch.conf" and applies each
// param's value to `runtime` as FreeSWITCH's switch_load_core_config does.
SwitchConfOutcome apply_switch_conf(const XmlConfig& xml, Runtime& runtime);

}  // namespace es::core
