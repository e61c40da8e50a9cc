#include "switch/user_dial.hpp"

#include <fmt/format.h>

#include "core/log_bus.hpp"
#include "protocol/ascii.hpp"
#include "switch/session/hangup_cause.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {
namespace {

UserDial failed(int cause) {
  UserDial out;
  out.cause = cause;
  return out;
}

// switch_event_expand_headers over the leg's variables, for an originate without a caller.
std::string expand_over(SwitchCore& core, std::string_view text, const VarList& vars,
                        const core::AccessRules& rules) {
  core::ExpansionScope scope;
  scope.lookup = [&vars](std::string_view name, int index) -> std::optional<std::string> {
    const std::string* v = index < 0 ? vars.find(name) : nullptr;
    if (!v) return std::nullopt;
    return *v;
  };
  core::ApiContext context;
  context.rules = rules;
  scope.api = core.runtime().api().expansion_caller(context);
  scope.api_enabled = core.runtime().settings().api_expansion.load();
  scope.log = &core.runtime().log();
  return core::expand_variables(text, core.runtime().globals(), scope);
}

bool icontains(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    if (protocol::iequals(hay.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

}  // namespace

bool is_user_leg(const DialLeg& leg) {
  return leg.has_slash && protocol::iequals(leg.endpoint, "user");
}

UserDial resolve_user_dial(SwitchCore& core, const DialLeg& leg, const VarList& vars,
                           const SessionPtr& caller, const core::AccessRules& rules) {
  core::LogBus& log = core.runtime().log();
  if (leg.data.empty()) return failed(cause::kDestinationOutOfOrder);
  std::string user = leg.data;
  std::string domain;
  if (std::size_t at = user.find('@'); at != std::string::npos) {
    domain = user.substr(at + 1);
    user.resize(at);
  } else {
    domain = core.runtime().globals().get("domain").value_or("freeswitch.local");
  }

  std::shared_ptr<const core::XmlConfig> xml = core.xml ? core.xml() : nullptr;
  std::optional<core::DirectoryUser> found;
  if (xml) found = xml->find_user(user, domain);
  if (!found) {
    ES_LOG(log, core::LogLevel::kWarning, "Can't find user [{}@{}]", user, domain);
    return failed(cause::kSubscriberAbsent);
  }

  // The variables the dialled legs start from: the user/ leg's, then the directory's.
  VarList base = vars;
  std::optional<std::string> dest;
  for (const auto& [name, value] : found->params) {
    if (protocol::iequals(name, "dial-string")) {
      dest = value;
    } else if (name.size() > 9 &&
               protocol::iequals(std::string_view(name).substr(0, 9), "dial-var-")) {
      base.set(std::string_view(name).substr(9), value);
    }
  }
  const std::string& dialed_user = found->id;
  base.set("dialed_user", dialed_user);
  base.set("dialed_domain", domain);
  if (dest && !dest->empty() && dest->find("presence_id=") == std::string::npos) {
    base.set("presence_id", fmt::format("{}@{}", dialed_user, domain));
  }
  if (!dest) {
    ES_LOG(log, core::LogLevel::kErr,
           "No dial-string available, please check your user directory.");
    return failed(cause::kMandatoryIeMissing);
  }

  // With a caller, its channel gets dialed_user / dialed_domain and expands the text, as in
  // FreeSWITCH; without one, the leg's variables do.
  std::string expanded;
  if (caller) {
    caller->set_variable("dialed_user", dialed_user);
    caller->set_variable("dialed_domain", domain);
    expanded = caller->expand(*dest);
  } else {
    expanded = expand_over(core, *dest, base, rules);
  }

  std::string self = "user/" + dialed_user;
  if (icontains(expanded, self)) {
    ES_LOG(log, core::LogLevel::kWarning,
           "Waddya Daft? You almost called '{}' in an infinate loop!", self);
    return failed(cause::kInvalidIeContents);
  }

  DialStringResult parsed = parse_dial_string(expanded);
  if (!parsed.dial || parsed.dial->groups.empty() || parsed.dial->groups[0].legs.empty()) {
    ES_LOG(log, core::LogLevel::kErr, "user/{}@{}: dial-string [{}] has no leg to dial", user,
           domain, expanded);
    return failed(cause::kDestinationOutOfOrder);
  }
  const DialString& dial = *parsed.dial;
  if (dial.groups.size() > 1) {
    ES_LOG(log, core::LogLevel::kWarning,
           "user/{}@{}: dial-string [{}] has '|' alternatives; only the first is dialled", user,
           domain, expanded);
  }
  UserDial out;
  for (const DialLeg& written : dial.groups[0].legs) {
    DialLeg leg_out = written;
    leg_out.vars = base;
    for (const auto& [n, v] : originate_leg_vars(dial, written).vars) leg_out.vars.set(n, v);
    // The user's <variables> are set on the new channel last in FreeSWITCH.
    for (const auto& [n, v] : found->variables) leg_out.vars.set(n, v);
    out.legs.push_back(std::move(leg_out));
  }
  return out;
}

}  // namespace es::sw
