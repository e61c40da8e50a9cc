#include "switch/apps/execute_extension_app.hpp"

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "core/commands/separate_string.hpp"
#include "core/log_bus.hpp"
#include "switch/application_registry.hpp"
#include "switch/dialplan/inline_dialplan.hpp"
#include "switch/dialplan/routing_channel.hpp"
#include "switch/dialplan/xml_dialplan.hpp"
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
class HuntRouting final : public RoutingChannel {
 public:
  HuntRouting(Session& session, std::string exten, std::string dialplan, std::string context)
      : session_(session),
        exten_(std::move(exten)),
        dialplan_(std::move(dialplan)),
        context_(std::move(context)) {}

  std::string profile_field(std::string_view name) const override {
    if (core::header_name_equals(name, "destination_number")) return exten_;
    if (core::header_name_equals(name, "dialplan")) return dialplan_;
    if (core::header_name_equals(name, "context")) return context_;
    auto value = session_.profile().field(name);
    return value ? *value : std::string();
  }
  std::string expand(std::string_view text) override { return session_.expand(text); }
  std::optional<std::string> variable(std::string_view name) const override {
    return session_.variable(name);
  }
  void set_variable(std::string_view name, std::string_view value) override {
    session_.set_variable(name, value);
  }
  void unset_variables_with_prefix(std::string_view prefix) override {
    for (const auto& [name, value] : session_.variables()) {
      if (name.size() >= prefix.size() &&
          core::header_name_equals(std::string_view(name).substr(0, prefix.size()), prefix))
        session_.set_variable(name, "");
    }
  }
  std::int64_t now_epoch_us() const override {
    return session_.core().runtime().clock().now_epoch_us();
  }
  bool execute_inline(std::string_view application, std::string_view data) override {
    auto def = session_.core().applications().find(application);
    if (!def || !def->flags.routing || !def->sync) return false;
    return session_.execute_application_now(application, data);
  }
  void log(int level, std::string_view text) override {
    session_.core().runtime().log().log(level, __FILE__, "execute_extension", __LINE__, text,
                                        session_.uuid());
  }

 private:
  Session& session_;
  std::string exten_, dialplan_, context_;
};

std::optional<Extension> hunt(Session& session, const std::string& exten,
                              const std::string& dialplan, const std::string& context) {
  HuntRouting routing(session, exten, dialplan, context);
  for (const auto& item : core::commands::separate_string(dialplan, ',', 25)) {
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
  auto argv = core::commands::separate_string(arg, ' ', 4);
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
