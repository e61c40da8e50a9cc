#include "switch/originate.hpp"

#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <cstdlib>

#include "core/log_bus.hpp"
#include "core/text/text.hpp"
#include "switch/dialstring/dial_string.hpp"
#include "switch/session/execute_on.hpp"
#include "switch/session/hangup_cause.hpp"
#include "switch/switch_core.hpp"
#include "switch/user_dial.hpp"

namespace es::sw {
namespace {

struct LegAttempt {
  SessionPtr session;
  int cause = 0;
  std::int64_t deadline = -1;  // leg_timeout
};

// Creates one leg: endpoint, caller profile, variables, CHANNEL_OUTGOING, start (held).
LegAttempt create_leg(SwitchCore& core, const DialString& dial, const DialLeg& written_leg,
                      const OriginateOptions& options, const std::shared_ptr<Waiter>& waiter,
                      bool nested_ok) {
  LegAttempt attempt;
  const DialLeg* chosen = &written_leg;
  DialLeg mapped;
  if (auto map = core.dial_string_map(); map && !map->empty()) {
    if (auto text = map->map(written_leg.text)) {
      ES_LOG(core.runtime().log(), core::LogLevel::kInfo, "dial-string-map: {} -> {}",
             written_leg.text, *text);
      // The replacement is one leg, with [...] variables of its own if it likes; the written
      // leg's variables are set over those.
      DialStringResult parsed = parse_dial_string(*text);
      if (parsed.dial && parsed.dial->groups.size() == 1 &&
          parsed.dial->groups[0].legs.size() == 1) {
        mapped = std::move(parsed.dial->groups[0].legs[0]);
        for (const auto& [name, value] : written_leg.vars.vars) mapped.vars.set(name, value);
        chosen = &mapped;
      } else {
        ES_LOG(core.runtime().log(), core::LogLevel::kErr,
               "dial-string-map: {} is not one leg; {} is dialled as written", *text,
               written_leg.text);
      }
    }
  }
  const DialLeg& leg = *chosen;
  auto endpoint = core.endpoints().find(leg.endpoint);
  if (!endpoint || !leg.has_slash) {
    ES_LOG(core.runtime().log(), core::LogLevel::kErr,
           "Cannot create outgoing channel of type [{}]", leg.endpoint);
    attempt.cause = cause::kChanNotImplemented;
    return attempt;
  }
  VarList vars;
  for (const auto& [n, v] : options.vars) vars.set(n, v);
  for (const auto& [n, v] : originate_leg_vars(dial, leg).vars) vars.set(n, v);
  if (!nested_ok) {
    std::erase_if(vars.vars,
                  [](const auto& kv) { return kv.second.find("${") != std::string::npos; });
  }
  OutgoingRequest request;
  request.data = leg.data;
  request.vars = vars.vars;
  request.caller = options.caller;
  request.rules = options.rules;
  if (options.caller) request.rules.add(options.caller->access_rules());
  if (const std::string* uuid = vars.find("origination_uuid")) request.uuid = *uuid;

  std::string destination = destination_from_data(leg.data);
  CallerProfile caller_profile;
  if (options.caller) caller_profile = options.caller->profile();
  std::string cid_name = options.caller ? caller_profile.caller_id_name : std::string();
  std::string cid_num = options.caller ? caller_profile.caller_id_number : std::string();
  if (options.cid_name) cid_name = *options.cid_name;
  if (options.cid_num) cid_num = *options.cid_num;
  if (const std::string* v = vars.find("origination_caller_id_name")) cid_name = *v;
  if (const std::string* v = vars.find("origination_caller_id_number")) cid_num = *v;
  CallerProfile profile = CallerProfile::make(cid_name, cid_num, destination,
                                              options.caller ? caller_profile.context : "default",
                                              options.caller ? caller_profile.dialplan : "", "");
  profile.callee_id_name = "Outbound Call";
  profile.callee_id_number = callee_number_from_destination(destination);
  if (const std::string* v = vars.find("origination_callee_id_name")) profile.callee_id_name = *v;
  if (const std::string* v = vars.find("origination_callee_id_number"))
    profile.callee_id_number = *v;
  if (const std::string* v = vars.find("origination_ani")) profile.ani = *v;
  if (const std::string* v = vars.find("origination_aniii")) profile.aniii = *v;
  request.profile = std::move(profile);

  OutgoingResult created = endpoint->create_outgoing(core, request);
  if (!created.session) {
    attempt.cause = created.cause ? created.cause : cause::kDestinationOutOfOrder;
    return attempt;
  }
  SessionPtr s = created.session;
  if (const std::string* name = vars.find("origination_channel_name")) s->set_name(*name);
  if (options.caller) {
    s->set_other_leg("originator", options.caller->profile());
  }
  s->fire(core::EventType::kChannelOutgoing);
  for (const auto& [n, v] : vars.vars) s->set_variable(n, v);
  if (options.caller) {
    s->set_variable("originator", options.caller->uuid());
    s->set_variable("signal_bond", options.caller->uuid());
    s->set_variable("originating_leg_uuid", options.caller->uuid());
  }
  s->set_variable("originate_endpoint", leg.endpoint);
  execute_on(*s, "execute_on_originate");
  api_on(*s, "api_on_originate");
  int forwards = 70;
  if (options.caller) {
    if (auto mf = options.caller->variable("max_forwards")) forwards = std::atoi(mf->c_str());
  }
  s->set_variable("max_forwards", std::to_string(forwards > 0 ? forwards - 1 : 0));
  if (const std::string* t = vars.find("leg_timeout")) {
    int seconds = std::atoi(t->c_str());
    if (seconds > 0) attempt.deadline = s->now_monotonic_us() + std::int64_t{seconds} * 1000000;
  }
  s->confine(request.rules);
  s->originate_hold = true;
  s->add_watcher(waiter);
  s->start();
  attempt.session = std::move(s);
  return attempt;
}

// Creates the leg, or for a user/ leg the legs of the user's dial-string (user_dial.hpp).
void add_legs(SwitchCore& core, const DialString& dial, const DialLeg& leg,
              const OriginateOptions& options, const std::shared_ptr<Waiter>& waiter,
              bool nested_ok, int depth, std::vector<LegAttempt>& legs, int& last_cause) {
  if (!is_user_leg(leg)) {
    LegAttempt attempt = create_leg(core, dial, leg, options, waiter, nested_ok);
    if (attempt.session) {
      legs.push_back(std::move(attempt));
    } else {
      last_cause = attempt.cause;
    }
    return;
  }
  if (depth >= kMaxUserDialDepth) {
    ES_LOG(core.runtime().log(), core::LogLevel::kErr,
           "user/{}: more than {} user/ dial-strings deep", leg.data, kMaxUserDialDepth);
    last_cause = cause::kInvalidIeContents;
    return;
  }
  VarList vars;
  for (const auto& [n, v] : options.vars) vars.set(n, v);
  for (const auto& [n, v] : originate_leg_vars(dial, leg).vars) vars.set(n, v);
  core::AccessRules rules = options.rules;
  if (options.caller) rules.add(options.caller->access_rules());
  UserDial user = resolve_user_dial(core, leg, vars, options.caller, rules);
  if (user.legs.empty()) last_cause = user.cause;
  for (const DialLeg& dialled : user.legs) {
    add_legs(core, dial, dialled, options, waiter, nested_ok, depth + 1, legs, last_cause);
  }
}

}  // namespace

asio::awaitable<OriginateResult> originate(SwitchCore& core, std::string dial_string,
                                           OriginateOptions options) {
  OriginateResult result;
  result.cause = cause::kDestinationOutOfOrder;
  auto parsed = parse_dial_string(dial_string);
  if (!parsed.dial || parsed.dial->groups.empty()) {
    ES_LOG(core.runtime().log(), core::LogLevel::kErr, "originate: {}",
           parsed.error.empty() ? std::string("empty dial string") : parsed.error);
    co_return result;
  }
  const DialString& dial = *parsed.dial;
  for (const std::string& item : dial.ignored) {
    ES_LOG(core.runtime().log(), core::LogLevel::kWarning,
           "originate: ignored \"{}\" in a variable block: not a name=value pair (',' separates "
           "variables; start the block with ^^<char> to separate them with <char> instead)",
           item);
  }
  bool nested_ok = mentions_nested_vars(dial_string);

  if (options.caller) {
    execute_on(*options.caller, "execute_on_pre_originate");
    api_on(*options.caller, "api_on_pre_originate");
  }
  std::shared_ptr<Waiter> waiter;
  if (options.caller) {
    waiter = options.caller->waiter();
  } else {
    waiter = std::make_shared<Waiter>(co_await asio::this_coro::executor, core.timers(),
                                      core.runtime().clock());
  }
  const core::Clock& clock = core.runtime().clock();
  int timeout_s = options.timeout_s > 0 ? options.timeout_s : 60;
  if (const std::string* t = dial.global_vars.find("originate_timeout")) {
    int v = std::atoi(t->c_str());
    if (v > 0) timeout_s = v;
  }
  bool ignore_early = text::switch_true(dial.global_vars.find("ignore_early_media"));
  bool continue_on_timeout =
      text::switch_true(dial.global_vars.find("originate_continue_on_timeout"));

  for (std::size_t g = 0; g < dial.groups.size(); ++g) {
    const DialGroup& group = dial.groups[g];
    if (group.legs.empty()) continue;
    std::int64_t deadline = clock.now_monotonic_us() + std::int64_t{timeout_s} * 1000000;
    std::vector<LegAttempt> legs;
    int last_cause = 0;
    for (const auto& leg : group.legs) {
      add_legs(core, dial, leg, options, waiter, nested_ok, 0, legs, last_cause);
    }
    SessionPtr winner;
    bool timed_out = false;
    while (!legs.empty()) {
      std::int64_t now = clock.now_monotonic_us();
      bool any_up = false;
      for (auto& leg : legs) {
        SessionPtr& s = leg.session;
        if (!s->up()) continue;
        if (leg.deadline >= 0 && now >= leg.deadline) {
          s->hangup(cause::kNoAnswer);
          continue;
        }
        any_up = true;
        if (!winner && (s->answered() || (!ignore_early && s->early_media()))) winner = s;
      }
      if (winner || !any_up) break;
      if (options.caller && !options.caller->up()) {
        for (auto& leg : legs) leg.session->hangup(cause::kOriginatorCancel);
        result.cause = cause::kOriginatorCancel;
        co_return result;
      }
      if (now >= deadline) {
        timed_out = true;
        break;
      }
      std::int64_t wake = deadline;
      for (auto& leg : legs) {
        if (leg.deadline >= 0 && leg.deadline < wake) wake = leg.deadline;
      }
      // A calling session counts as idle while it waits (simulated time settles on that).
      if (options.caller) core.running_sessions.fetch_sub(1);
      co_await waiter->wait_until(wake);
      if (options.caller) core.running_sessions.fetch_add(1);
    }
    if (winner) {
      for (auto& leg : legs) {
        if (leg.session != winner) leg.session->hangup(cause::kLoseRace);
      }
      if (options.caller) {
        options.caller->set_other_leg("originatee", winner->profile());
        options.caller->set_variable("originate_disposition", "SUCCESS");
      }
      execute_on(*winner, "execute_on_post_originate");
      api_on(*winner, "api_on_post_originate");
      if (options.caller) {
        execute_on(*options.caller, "execute_on_post_originate");
        api_on(*options.caller, "api_on_post_originate");
      }
      result.leg = winner;
      result.cause = 0;
      co_return result;
    }
    if (timed_out) {
      for (auto& leg : legs) leg.session->hangup(cause::kNoAnswer);
      last_cause = cause::kNoAnswer;
      result.cause = last_cause;
      if (!continue_on_timeout) break;
      continue;
    }
    // Every leg failed: report the cause of the last one.
    for (auto& leg : legs) {
      if (int c = leg.session->hangup_cause()) last_cause = c;
    }
    result.cause = last_cause ? last_cause : cause::kDestinationOutOfOrder;
  }
  if (options.caller) {
    options.caller->set_variable("originate_disposition", cause_name(result.cause));
  }
  co_return result;
}

void start_leg_with_application(const SessionPtr& leg, std::string app, std::string arg) {
  Extension extension;
  extension.name = app;
  extension.number = app;
  extension.actions.push_back({std::move(app), std::move(arg)});
  leg->set_extension(std::move(extension));
  leg->originate_hold = false;
  leg->set_state(ChannelState::kExecute);
}

void start_leg_with_transfer(const SessionPtr& leg, const std::string& exten,
                             const std::string& dialplan, const std::string& context) {
  leg->originate_hold = false;
  leg->transfer(exten, dialplan, context);
}

}  // namespace es::sw
