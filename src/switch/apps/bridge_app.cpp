// The bridge application (mod_dptools audio_bridge_function, docs/call-behaviour.md §14): originate
// from the calling channel, then bridge to the leg that answered; failures go through
// handle_bridge_failure.
#include <asio/awaitable.hpp>

#include <cstdlib>

#include "core/log_bus.hpp"
#include "switch/apps/app_groups.hpp"
#include "switch/bridge.hpp"
#include "switch/originate.hpp"
#include "switch/session/hangup_cause.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {
namespace {

asio::awaitable<void> bridge_app(Session& s, std::string arg) {
  if (arg.empty()) co_return;
  OriginateOptions options;
  options.caller = s.shared_from_this();
  if (auto timeout = s.variable("call_timeout")) {
    int seconds = std::atoi(timeout->c_str());
    if (seconds > 0) options.timeout_s = seconds;
  }
  options.vars = exported_variables(s, "export_vars");
  OriginateResult result = co_await originate(s.core(), std::move(arg), std::move(options));
  if (!result.leg) {
    ES_LOG(s.core().runtime().log(), core::LogLevel::kInfo, "Originate Failed.  Cause: {}",
           cause_name(result.cause));
    s.set_variable("originate_failed_cause", cause_name(result.cause));
    handle_bridge_failure(s, result.cause);
    co_return;
  }
  co_await run_bridge(s.shared_from_this(), std::move(result.leg));
}

}  // namespace

void register_bridge_apps(ApplicationRegistry& registry) {
  Application app;
  app.name = "bridge";
  app.description = "Bridge Audio";
  app.syntax = "<channel_url>";
  // Runs on channels without media: no automatic pre-answer (SAF_SUPPORT_NOMEDIA).
  app.flags = ApplicationFlags{true, false, false};
  app.function = bridge_app;
  registry.add(std::move(app));
}

}  // namespace es::sw
