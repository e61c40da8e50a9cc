// Applications that need no media (docs/call-behaviour.md §11): answer and friends, hangup, park,
// sleep, variables, log/info/event, break, transfer, DTMF queueing, hold, set_name.
#include <fmt/format.h>

#include <cstdlib>

#include "core/event_serializer.hpp"
#include "core/log_bus.hpp"
#include "core/saturating.hpp"
#include "core/text/separate_string.hpp"
#include "protocol/header_fields.hpp"
#include "switch/apps/app_groups.hpp"
#include "switch/session/hangup_cause.hpp"
#include "switch/session/session.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {
namespace {

using Flags = ApplicationFlags;
constexpr Flags kNm{true, false, false};
constexpr Flags kNmRz{true, true, true};

void add_sync(ApplicationRegistry& r, std::string name, std::string syntax, Flags flags,
              ApplicationSyncFunction fn, std::string description = {}) {
  Application app;
  app.name = std::move(name);
  app.syntax = std::move(syntax);
  app.description = std::move(description);
  app.flags = flags;
  app.sync = std::move(fn);
  r.add(std::move(app));
}

void add_async(ApplicationRegistry& r, std::string name, std::string syntax, Flags flags,
               ApplicationFunction fn, std::string description = {}) {
  Application app;
  app.name = std::move(name);
  app.syntax = std::move(syntax);
  app.description = std::move(description);
  app.flags = flags;
  app.function = std::move(fn);
  r.add(std::move(app));
}

// "<var>=<value>" (or "<var>,<value>" for set); false without a name.
bool split_assignment(std::string_view arg, std::string& name, std::string& value) {
  std::size_t eq = arg.find('=');
  if (eq == std::string_view::npos) {
    name = std::string(arg);
    value.clear();
  } else {
    name = std::string(arg.substr(0, eq));
    value = std::string(arg.substr(eq + 1));
  }
  while (!name.empty() && name.back() == ' ') name.pop_back();
  return !name.empty();
}

void set_app(Session& s, const std::string& arg) {
  std::string name, value;
  if (!split_assignment(arg, name, value)) {
    ES_LOG(s.core().runtime().log(), core::LogLevel::kWarning, "set: no variable name");
    return;
  }
  // The value is expanded once more, as FreeSWITCH's set does.
  std::string expanded = s.expand(value);
  s.set_variable(name, expanded);
}

// [^^<delim>]v=a v2=b: several sets.
std::vector<std::string> split_multi(std::string_view arg) {
  char delim = ' ';
  if (arg.size() > 3 && arg[0] == '^' && arg[1] == '^') {
    delim = arg[2];
    arg.remove_prefix(3);
  }
  return text::separate_string(arg, delim, 1024);
}

void export_app(Session& s, const std::string& arg, std::string_view list_var) {
  std::string name, value;
  if (!split_assignment(arg, name, value)) return;
  bool local = name.rfind("nolocal:", 0) != 0;
  std::string export_name = local ? name : name.substr(8);
  if (!protocol::valid_header_name(export_name)) {
    ES_LOG(s.core().runtime().log(), core::LogLevel::kWarning,
           "export: refused variable name: not a valid header name");
    return;
  }
  // FreeSWITCH also stores a "nolocal:" variable locally under its prefixed name; a ':' cannot
  // be part of a header name, so that copy is not kept here.
  if (local) s.set_variable(export_name, value);
  std::string list = s.variable(list_var).value_or("");
  bool present = false;
  std::string_view rest = list;
  while (!rest.empty()) {
    std::size_t comma = rest.find(',');
    if (core::header_name_equals(rest.substr(0, comma), export_name)) present = true;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (!present) {
    if (!list.empty()) list += ',';
    list += export_name;
    s.set_variable(list_var, list);
  }
}

// Where FreeSWITCH's log and info applications log from (mod_dptools.c, master source), so
// log lines name the same file:line as theirs.
constexpr int kLogFunctionLine = 1865;
constexpr int kInfoFunctionLine = 1884;

void log_app(Session& s, const std::string& arg) {
  std::string_view text = arg;
  int level = 7;
  std::size_t space = text.find(' ');
  if (space != std::string_view::npos) {
    if (auto parsed = core::parse_log_level(text.substr(0, space))) {
      level = *parsed;
    }
    text.remove_prefix(space + 1);
  }
  s.core().runtime().log().log(level, "mod_dptools.c", "log_function", kLogFunctionLine, text,
                               s.uuid());
}

void info_app(Session& s, const std::string& arg) {
  core::Event event = s.create_event(core::EventType::kChannelData);
  s.add_event_data(event, true);
  int level = 6;
  if (!arg.empty()) {
    if (auto parsed = core::parse_log_level(arg)) level = *parsed;
  }
  std::string text;
  for (const auto& h : event.headers()) text += fmt::format("{}: [{}]\n", h.name, h.value);
  s.core().runtime().log().log(level, "mod_dptools.c", "info_function", kInfoFunctionLine,
                               fmt::format("CHANNEL_DATA:\n{}", text), s.uuid());
}

void event_app(Session& s, const std::string& arg) {
  core::Event event = s.create_event(core::EventType::kChannelApplication);
  std::optional<core::EventType> type;
  std::string subclass;
  for (const auto& item : text::separate_string(arg, ',', 1024)) {
    std::size_t eq = item.find('=');
    if (eq == std::string::npos) continue;
    std::string name = item.substr(0, eq);
    std::string value = item.substr(eq + 1);
    if (core::header_name_equals(name, "Event-Name")) {
      type = core::event_type_from_name(value);
      continue;
    }
    if (core::header_name_equals(name, "Event-Subclass")) {
      subclass = value;
      continue;
    }
    if (!protocol::valid_header_name(name)) {
      ES_LOG(s.core().runtime().log(), core::LogLevel::kWarning,
             "event: not fired: a header name is not valid");
      return;
    }
    event.add_header(name, value);
  }
  if (type) {
    event.set_type(*type);
    event.del_header("Event-Name");
    event.add_header("Event-Name", core::event_type_name(*type));
  }
  if (!subclass.empty()) event.set_subclass(subclass);
  s.add_event_data(event);
  s.fire_event(std::move(event));
}

asio::awaitable<void> wait_for_answer_app(Session& s, std::string) {
  while (s.ready() && !s.answered()) {
    co_await s.process_commands();
    s.core().running_sessions.fetch_sub(1);
    co_await s.wait_until(s.now_monotonic_us() + 100000);
    s.core().running_sessions.fetch_add(1);
  }
}

asio::awaitable<void> sleep_app(Session& s, std::string arg) {
  std::int64_t ms = std::atoll(arg.c_str());
  if (ms <= 0) co_return;
  bool eat = s.variable_true("sleep_eat_digits");
  std::string terminators = s.variable("playback_terminators").value_or("*");
  co_await s.sleep_ms(ms, [&] {
    if (!s.has_dtmf()) return false;
    if (!eat) return true;
    while (auto d = s.dequeue_dtmf()) {
      if (terminators.find(d->digit) != std::string::npos) return true;
    }
    return false;
  });
}

void break_app(Session& s, const std::string& arg) {
  s.break_requested = true;
  if (!arg.empty() && arg != "all") s.flush_commands();
  s.signal();
}

void transfer_app(Session& s, const std::string& arg) {
  auto words = text::separate_string(arg, ' ', 4);
  if (words.empty()) return;
  std::size_t i = 0;
  bool bleg = false, both = false;
  if (words[0] == "-bleg") bleg = true;
  if (words[0] == "-both") both = true;
  if (bleg || both) {
    words = text::separate_string(arg, ' ', 5);
    i = 1;
  }
  std::string exten = words.size() > i ? words[i] : "";
  std::string dialplan = words.size() > i + 1 ? words[i + 1] : "";
  std::string context = words.size() > i + 2 ? words[i + 2] : "";
  if (bleg || both) {
    if (SessionPtr peer = s.core().locate(s.partner_uuid())) {
      peer->transfer(exten, dialplan, context);
    }
    if (bleg) return;
  }
  s.transfer(exten, dialplan, context);
}

// "[+]<time> [<cause>] [bleg]": hang up later (docs/call-behaviour.md §11).
void sched_hangup_app(Session& s, const std::string& arg) {
  auto words = text::separate_string(arg, ' ', 3);
  if (words.empty()) return;
  std::string when = words[0];
  bool relative = !when.empty() && when[0] == '+';
  std::int64_t seconds = std::atoll(relative ? when.c_str() + 1 : when.c_str());
  int cause = words.size() > 1 ? cause_from_string(words[1]) : cause::kAllottedTimeout;
  bool bleg = words.size() > 2 && words[2] == "bleg";
  SessionPtr target = bleg ? s.core().locate(s.partner_uuid()) : s.shared_from_this();
  if (!target) return;
  std::int64_t delay_us;
  if (relative) {
    delay_us = core::saturating_mul(seconds, 1000000);
  } else {
    delay_us = core::saturating_sub(core::saturating_mul(seconds, 1000000),
                                    s.core().runtime().clock().now_epoch_us());
  }
  if (delay_us <= 0) {
    target->hangup(cause);
    return;
  }
  std::weak_ptr<Session> weak = target;
  s.core().timers().call_at(core::saturating_add(s.now_monotonic_us(), delay_us), [weak, cause] {
    if (auto t = weak.lock()) t->hangup(cause);
  });
}

// "<dtmf>[@<ms>]" groups split on '+': the digits with their duration.
std::vector<Dtmf> parse_dtmf_string(std::string_view text) {
  std::vector<Dtmf> out;
  for (const auto& group : text::separate_string(text, '+', 64)) {
    std::string_view g = group;
    int duration = 100;
    std::size_t at = g.find('@');
    if (at != std::string_view::npos) {
      int d = std::atoi(std::string(g.substr(at + 1)).c_str());
      if (d > 0) duration = d;
      g = g.substr(0, at);
    }
    for (char c : g) {
      if (std::isdigit(static_cast<unsigned char>(c)) || (c >= 'A' && c <= 'D') ||
          (c >= 'a' && c <= 'd') || c == '#' || c == '*' || c == 'w' || c == 'W' || c == 'F' ||
          c == 'f') {
        out.push_back(
            Dtmf{static_cast<char>(std::toupper(static_cast<unsigned char>(c))), duration, "APP"});
      }
    }
  }
  return out;
}

}  // namespace

std::vector<Dtmf> dtmf_from_string(std::string_view text) {
  return parse_dtmf_string(text);
}

void register_basic_apps(ApplicationRegistry& r) {
  add_sync(
      r, "answer", "", kNm, [](Session& s, const std::string&) { s.answer(); }, "Answer the call");
  add_sync(
      r, "pre_answer", "", kNm, [](Session& s, const std::string&) { s.pre_answer(); },
      "Pre-Answer the call");
  add_sync(
      r, "ring_ready", "[queued]", kNm,
      [](Session& s, const std::string& arg) {
        if (arg == "queued") {
          s.set_call_state(CallState::kRingWait);
        } else {
          s.ring_ready();
        }
      },
      "Indicate Ring_Ready");
  add_async(r, "wait_for_answer", "", kNm, wait_for_answer_app, "Wait for call to be answered");
  add_sync(
      r, "hangup", "[<cause>]", kNm,
      [](Session& s, const std::string& arg) {
        s.hangup(arg.empty() ? cause::kNormalClearing : cause_from_string(arg));
      },
      "Hangup the call");
  add_async(
      r, "park", "", kNm, [](Session& s, const std::string&) { return s.park(); }, "Park");
  add_sync(
      r, "park_state", "", Flags{},
      [](Session& s, const std::string&) { s.set_state(ChannelState::kPark); }, "Park State");
  add_async(r, "sleep", "<sleep_millisecond>", kNm, sleep_app, "Pause a channel");
  add_sync(r, "set", "<varname>=<value>", kNmRz, set_app, "Set a channel variable");
  add_sync(
      r, "multiset", "[^^]<varname>=<value> <var2>=<val2>", kNmRz,
      [](Session& s, const std::string& arg) {
        for (const auto& item : split_multi(arg)) set_app(s, item);
      },
      "Set many channel variables");
  add_sync(
      r, "unset", "<varname>", kNmRz,
      [](Session& s, const std::string& arg) { s.set_variable(arg, ""); },
      "Unset a channel variable");
  add_sync(
      r, "multiunset", "[^^]<varname> <var2>", kNmRz,
      [](Session& s, const std::string& arg) {
        for (const auto& item : split_multi(arg)) s.set_variable(item, "");
      },
      "Unset many channel variables");
  add_sync(
      r, "push", "<varname>=<value>", kNmRz,
      [](Session& s, const std::string& arg) {
        std::string n, v;
        if (split_assignment(arg, n, v)) s.push_variable(n, v);
      },
      "Set a channel variable");
  add_sync(
      r, "unshift", "<varname>=<value>", kNmRz,
      [](Session& s, const std::string& arg) {
        std::string n, v;
        if (split_assignment(arg, n, v)) s.push_variable(n, v, true);
      },
      "Set a channel variable");
  add_sync(
      r, "set_global", "<varname>=<value>", kNmRz,
      [](Session& s, const std::string& arg) {
        std::string n, v;
        if (split_assignment(arg, n, v)) s.core().runtime().globals().set(n, v);
      },
      "Set a global variable");
  add_sync(
      r, "set_profile_var", "<varname>=<value>", kNmRz,
      [](Session& s, const std::string& arg) {
        std::string n, v;
        if (split_assignment(arg, n, v))
          s.update_profile([&](CallerProfile& p) { p.set_field(n, v); });
      },
      "Set a caller profile variable");
  add_sync(
      r, "export", "<varname>=<value>", kNmRz,
      [](Session& s, const std::string& arg) { export_app(s, arg, "export_vars"); },
      "Export a channel variable across a bridge");
  add_sync(
      r, "bridge_export", "<varname>=<value>", kNmRz,
      [](Session& s, const std::string& arg) { export_app(s, arg, "bridge_export_vars"); },
      "Export a channel variable across a bridge");
  add_sync(r, "log", "<log_level> <log_string>", kNmRz, log_app, "Logs to the logger");
  add_sync(r, "info", "", kNmRz, info_app, "Display Call Info");
  add_sync(r, "event", "<k>=<v>[,<k>=<v>...]", kNmRz, event_app, "Fire an event");
  add_sync(
      r, "eval", "", kNmRz, [](Session&, const std::string&) {}, "Do Nothing");
  add_sync(
      r, "stop", "", kNmRz, [](Session&, const std::string&) {}, "Do Nothing");
  add_sync(r, "break", "", kNm, break_app, "Break");
  add_sync(r, "transfer", "<exten> [<dialplan> <context>]", kNm, transfer_app,
           "Transfer a channel");
  add_sync(r, "sched_hangup", "[+]<time> [<hangup_cause>]", kNm, sched_hangup_app,
           "Schedule a hangup in the future");
  add_sync(
      r, "set_name", "<name>", kNm,
      [](Session& s, const std::string& arg) {
        if (!arg.empty()) s.set_name(arg);
      },
      "Name the channel");
  add_sync(
      r, "send_dtmf", "<dtmf_data>", kNm,
      [](Session& s, const std::string& arg) {
        for (const auto& d : parse_dtmf_string(arg)) s.send_dtmf(d);
      },
      "Send dtmf to be sent");
  add_sync(
      r, "queue_dtmf", "<dtmf_data>", kNm,
      [](Session& s, const std::string& arg) {
        for (const auto& d : parse_dtmf_string(arg)) s.send_dtmf(d);
      },
      "Queue dtmf to be sent");
  add_sync(
      r, "flush_dtmf", "", kNm, [](Session& s, const std::string&) { s.flush_dtmf(); },
      "flush any queued dtmf");
  add_sync(
      r, "hold", "[<display message>]", kNm,
      [](Session& s, const std::string&) {
        s.set_call_state(CallState::kHeld);
        s.fire(core::EventType::kChannelHold);
      },
      "Send a hold message");
  add_sync(
      r, "unhold", "", kNm,
      [](Session& s, const std::string&) {
        s.set_call_state(CallState::kUnheld);
        s.fire(core::EventType::kChannelUnhold);
        s.set_call_state(CallState::kActive);
      },
      "Send a un-hold message");
}

}  // namespace es::sw
