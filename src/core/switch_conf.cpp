#include "core/switch_conf.hpp"

#include <fmt/format.h>

#include <array>
#include <iterator>
#include <string_view>

#include "core/text/text.hpp"
#include "protocol/ascii.hpp"

namespace es::core {
namespace {

// Read by other layers straight from the XML: no line here.
constexpr std::array<std::string_view, 3> kReadElsewhere = {
    "rtp-start-port", "rtp-end-port",  // the SIP layer's RTP port range (docs/sip.md)
    "switchname"};                     // not applied: the identity is fixed before the XML loads

void apply_param(std::string_view file, std::string_view name, std::string_view value, Runtime& rt,
                 SwitchConfOutcome& out) {
  auto is = [&](std::string_view param) { return protocol::iequals(name, param); };
  auto& stats = rt.sessions();
  auto& settings = rt.settings();
  if (is("max-sessions") && !value.empty()) {
    // As switch_core_session_limit: 0 leaves the limit as it is.
    if (int limit = text::c_atoi(value); limit != 0)
      stats.max_sessions = static_cast<std::uint32_t>(limit);
  } else if (is("sessions-per-second") && !value.empty()) {
    if (int sps = text::c_atoi(value); sps != 0) stats.max_sps = static_cast<std::uint32_t>(sps);
  } else if (is("loglevel")) {
    std::optional<int> level = parse_log_level(value);
    if (level) out.loglevel = *level;
  } else if (is("colorize-console")) {
    // FreeSWITCH only ever turns colour on here; eventswitch colours a terminal by default,
    // so an explicit false turns it off and true keeps the command line's choice.
    if (text::switch_false(value)) out.colorize_console = false;
    if (text::switch_true(value)) out.colorize_console = true;
  } else if (is("min-idle-cpu")) {
    double idle = text::c_atof(value);
    if (idle >= 0 && idle <= 100) settings.min_idle_cpu = idle;
  } else if (is("max-dtmf-duration") || is("min-dtmf-duration") || is("default-dtmf-duration")) {
    int ms = value.empty() ? 0 : text::c_atoi(value);
    if (ms > 0) {
      auto& target = is("max-dtmf-duration")   ? settings.max_dtmf_duration
                     : is("min-dtmf-duration") ? settings.min_dtmf_duration
                                               : settings.default_dtmf_duration;
      target = static_cast<std::uint32_t>(ms);
    }
  } else if (is("debug-level")) {
    int level = text::c_atoi(value);
    if (level > -1 && level < 11) settings.debug_level = level;
  } else if (is("verbose-channel-events") && !value.empty()) {
    settings.verbose_events = text::switch_true(value);
  } else if (is("threaded-system-exec") && !value.empty()) {
    settings.threaded_system_exec = text::switch_true(value);
  } else if (is("api-expansion")) {
    settings.api_expansion = text::switch_true(value);
  } else {
    for (std::string_view other : kReadElsewhere) {
      if (is(other)) return;
    }
    out.messages.emplace_back(
        LogLevel::kDebug,
        fmt::format("{}: param {} = '{}' accepted, not used by eventswitch", file, name, value));
  }
}

}  // namespace

SwitchConfOutcome apply_switch_conf(const XmlConfig& xml, Runtime& runtime) {
  SwitchConfOutcome out;
  for (std::string_view file : {"switch.conf", "post_load_switch.conf"}) {
    for (pugi::xml_node param : xml.configuration(file).child("settings").children("param")) {
      apply_param(file, param.attribute("name").as_string(), param.attribute("value").as_string(),
                  runtime, out);
    }
  }
  // FreeSWITCH's modules.conf picks the modules to load; eventswitch's are built in.
  pugi::xml_node modules = xml.configuration("modules.conf").child("modules");
  if (modules) {
    auto loads = modules.children("load");
    auto count = std::distance(loads.begin(), loads.end());
    out.messages.emplace_back(LogLevel::kDebug,
                              fmt::format("modules.conf: {} <load> line(s) accepted, not used "
                                          "(eventswitch's modules are built in)",
                                          count));
  }
  return out;
}

}  // namespace es::core
