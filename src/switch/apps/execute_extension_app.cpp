#include "switch/apps/execute_extension_app.hpp"

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "core/log_bus.hpp"
#include "core/text/separate_string.hpp"
#include "switch/application_registry.hpp"
#include "switch/dialplan/inline_dialplan.hpp"
#include "switch/dialplan/routing_channel.hpp"
#include "switch/dialplan/xml_dialplan.hpp"
#include "switch/routing.hpp"
#include "switch/session/session.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {
namespace {

// FreeSWITCH's SWITCH_MAX_STACKS: nested execute_extension calls allowed per session.
constexpr int kMaxStacks = 32;

std::mutex depth_mutex;
std::map<std::string, int>& depths() {
  static std::map<std::string, int> map;
  return map;
}

// The hunt sees a copy of the caller profile with the new destination, dialplan and context
// (the "hunt caller profile"); everything else is the session's.
std::optional<Extension> hunt(Session& session, const std::string& exten,
                              const std::string& dialplan, const std::string& context) {
  SessionRouting routing(session, SessionRouting::HuntTarget{exten, dialplan, context});
  for (const auto& item : text::separate_string(dialplan, ',', 25)) {
    std::size_t colon = item.find(':');
    std::string name = item.substr(0, colon);
    std::string arg = colon == std::string::npos ? std::string() : item.substr(colon + 1);
    std::optional<Extension> found;
    if (core::header_name_equals(name, "XML")) {
      auto config = session.core().xml ? session.core().xml() : nullptr;
      if (config) found = xml_dialplan_hunt(config->section("dialplan"), routing);
    } else if (core::header_name_equals(name, "inline")) {
      found = inline_dialplan_hunt(arg, routing);
    }
    if (found) return found;
  }
  return std::nullopt;
}

asio::awaitable<void> execute_extension(Session& s, std::string arg) {
  auto argv = text::separate_string(arg, ' ', 4);
  if (arg.empty() || argv.empty()) {
    s.core().runtime().log().log(3, "mod_dptools.c", "exe_function", 0,
                                 "Usage: <extension> <dialplan> <context>", s.uuid());
    co_return;
  }
  int depth;
  {
    std::lock_guard lock(depth_mutex);
    depth = depths()[s.uuid()];
    if (depth > kMaxStacks) {
      ES_LOG(s.core().runtime().log(), core::LogLevel::kErr,
             "Error {} too many stacked extensions [depth={}]", s.name(), depth);
      co_return;
    }
    depth = ++depths()[s.uuid()];
  }
  CallerProfile profile = s.profile();
  std::string dialplan = argv.size() > 1 && !argv[1].empty() ? argv[1] : profile.dialplan;
  std::string context = argv.size() > 2 && !argv[2].empty() ? argv[2] : profile.context;
  if (auto extension = hunt(s, argv[0], dialplan, context)) {
    for (const auto& action : extension->actions) {
      if (!s.ready()) break;
      ES_LOG(s.core().runtime().log(), core::LogLevel::kNotice, "Execute [depth={}] {}({})", depth,
             action.application, action.data);
      if (!co_await s.execute_application(action.application, action.data)) break;
    }
  }
  std::lock_guard lock(depth_mutex);
  if (--depths()[s.uuid()] <= 0) depths().erase(s.uuid());
}

}  // namespace

void register_execute_extension_app(ApplicationRegistry& registry) {
  Application app;
  app.name = "execute_extension";
  app.syntax = "<extension> <dialplan> <context>";
  app.description = "Execute an extension";
  app.flags = ApplicationFlags{true, false, false};
  app.function = execute_extension;
  registry.add(std::move(app));
}

}  // namespace es::sw
