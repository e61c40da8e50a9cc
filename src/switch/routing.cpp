#include "switch/routing.hpp"

#include <string>
#include <vector>

#include "core/event.hpp"
#include "core/log_bus.hpp"
#include "switch/dialplan/inline_dialplan.hpp"
#include "switch/dialplan/routing_channel.hpp"
#include "switch/dialplan/xml_dialplan.hpp"
#include "switch/session/session.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {
std::string SessionRouting::profile_field(std::string_view name) const {
  if (target_) {
    if (core::header_name_equals(name, "destination_number")) return target_->destination;
    if (core::header_name_equals(name, "dialplan")) return target_->dialplan;
    if (core::header_name_equals(name, "context")) return target_->context;
  }
  auto value = session_.profile().field(name);
  return value ? *value : std::string();
}

std::string SessionRouting::expand(std::string_view text) {
  return session_.expand(text);
}

std::optional<std::string> SessionRouting::variable(std::string_view name) const {
  return session_.variable(name);
}

void SessionRouting::set_variable(std::string_view name, std::string_view value) {
  session_.set_variable(name, value);
}

void SessionRouting::unset_variables_with_prefix(std::string_view prefix) {
  for (const auto& [name, value] : session_.variables()) {
    if (name.size() >= prefix.size() &&
        core::header_name_equals(std::string_view(name).substr(0, prefix.size()), prefix))
      session_.set_variable(name, "");
  }
}

std::int64_t SessionRouting::now_epoch_us() const {
  return session_.core().runtime().clock().now_epoch_us();
}

bool SessionRouting::execute_inline(std::string_view application, std::string_view data) {
  auto def = session_.core().applications().find(application);
  if (!def || !def->flags.routing || !def->sync) return false;
  return session_.execute_application_now(application, data);
}

void SessionRouting::log(int level, std::string_view text) {
  session_.core().runtime().log().log(level, __FILE__,
                                      target_ ? "execute_extension" : "dialplan_hunt", __LINE__,
                                      text, session_.uuid());
}

RoutingOutcome hunt_dialplans(Session& session) {
  RoutingOutcome outcome;
  std::string list = session.expand(session.profile().dialplan);
  if (list.empty()) list = "XML";
  SessionRouting routing(session);
  std::string_view rest = list;
  while (!rest.empty() && !outcome.extension) {
    std::size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    std::size_t colon = item.find(':');
    std::string_view name = item.substr(0, colon);
    std::string_view arg =
        colon == std::string_view::npos ? std::string_view() : item.substr(colon + 1);
    if (core::header_name_equals(name, "XML")) {
      outcome.any_dialplan = true;
      auto config = session.core().xml ? session.core().xml() : nullptr;
      if (config) outcome.extension = xml_dialplan_hunt(config->section("dialplan"), routing);
    } else if (core::header_name_equals(name, "inline")) {
      outcome.any_dialplan = true;
      // As in FreeSWITCH the list is split on every comma, so an inline text with several
      // items travels as the destination number (originate x 'a,b' inline).
      outcome.extension = inline_dialplan_hunt(arg, routing);
      if (outcome.extension) {
        session.update_profile([](CallerProfile& p) {
          p.destination_number = p.rdnis;
          p.rdnis.clear();
        });
      }
    }
  }
  return outcome;
}

}  // namespace es::sw
