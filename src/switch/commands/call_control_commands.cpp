// Call-control API commands of docs/api-behaviour.md §3 (transfer, break, broadcast, hold, dump and
// friends) and hupall (§5), with FreeSWITCH's exact reply texts (mod_commands.c).
#include <fmt/format.h>

#include <cstdlib>
#include <mutex>
#include <set>

#include "core/event_serializer.hpp"
#include "core/text/separate_string.hpp"
#include "core/text/text.hpp"
#include "protocol/header_fields.hpp"
#include "switch/commands/call_actions.hpp"
#include "switch/commands/switch_commands.hpp"
#include "switch/session/hangup_cause.hpp"
#include "switch/session_heartbeat.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {
namespace {

using core::ApiStatus;
using text::separate_string;

constexpr std::string_view kTransferSyntax =
    "<uuid> [-bleg|-both] <dest-exten> [<dialplan>] [<context>]";

void uuid_transfer(SwitchCore& core, std::string_view arg, std::string& out) {
  auto argv = separate_string(arg, ' ', 5);
  if (argv.size() < 2 || argv.size() > 5) {
    out += fmt::format("-USAGE: {}\n", kTransferSyntax);
    return;
  }
  SessionPtr target = core.locate(argv[0]);
  if (!target) {
    out += "-ERR No such channel!\n";
    return;
  }
  auto word = [&](std::size_t i) { return i < argv.size() ? argv[i] : std::string(); };
  std::string dest = argv[1], dialplan = word(2), context = word(3);
  std::string option;
  if (!dest.empty() && dest[0] == '-') {
    option = dest.substr(1);
    dest = word(2);
    dialplan = word(3);
    context = word(4);
  }
  if (protocol::iequals(option, "bleg")) {
    // Without a partner the channel itself is transferred.
    if (SessionPtr partner = core.locate(target->partner_uuid())) target = partner;
  } else if (protocol::iequals(option, "both")) {
    if (SessionPtr partner = core.locate(target->partner_uuid())) {
      // Both legs leave the bridge on purpose, so neither may hang the other up: the partner
      // forgets the bridge only right before it moves to CS_ROUTING, and this channel after.
      // This channel is marked as being redirected first, so the bridge it runs does not
      // carry on with its dialplan when the partner leaves (FreeSWITCH's redirect flag).
      target->transferring = true;
      partner->transferring = true;
      partner->set_bridge_peer(nullptr);
      partner->transfer(dest, dialplan, context);
      target->set_bridge_peer(nullptr);
    }
  }
  out += target->transfer(dest, dialplan, context) ? "+OK\n" : "-ERR\n";
}

void uuid_break(SwitchCore& core, std::string_view arg, std::string& out) {
  if (arg.empty()) {
    out += "-USAGE: <uuid> [all]\n";
    return;
  }
  std::size_t space = arg.find(' ');
  std::string_view uuid = arg.substr(0, space);
  std::string_view flag =
      space == std::string_view::npos ? std::string_view() : arg.substr(space + 1);
  SessionPtr session = core.locate(uuid);
  if (!session) {
    out += "-ERR No such channel!\n";
    return;
  }
  bool all = flag.find("all") != std::string_view::npos;
  bool both = flag.find("both") != std::string_view::npos;
  SessionPtr partner = both ? core.locate(session->partner_uuid()) : nullptr;
  for (const SessionPtr& s : {session, partner}) {
    if (!s) continue;
    if (all) s->flush_commands();
    s->break_requested = true;
    s->signal();
  }
  out += "+OK\n";
}

void uuid_broadcast(SwitchCore& core, std::string_view arg, std::string& out) {
  auto argv = separate_string(arg, ' ', 4);
  if (argv.size() < 2) {
    out += "-USAGE: <uuid> <path> [aleg|bleg|holdb|both]\n";
    return;
  }
  unsigned flags = 0;
  if (argv.size() > 2) {
    auto contains = [&](std::string_view needle) { return protocol::icontains(argv[2], needle); };
    using namespace broadcast_flag;
    if (contains("both")) flags |= kEchoAleg | kEchoBleg;
    if (contains("aleg")) flags |= kEchoAleg;
    if (contains("bleg")) {
      flags &= ~kHoldBleg;
      flags |= kEchoBleg;
    }
    if (contains("holdb")) {
      flags &= ~kEchoBleg;
      flags |= kHoldBleg;
    }
  } else {
    flags = broadcast_flag::kEchoAleg | broadcast_flag::kHoldBleg;
  }
  if (SessionPtr s = core.locate(argv[0]); s && !broadcast_path_allowed(*s, argv[1])) {
    out += refused_file_reply(argv[1]);
    return;
  }
  out += broadcast(core, argv[0], argv[1], flags) ? "+OK Message sent\n" : "-ERR invalid uuid\n";
}

constexpr std::string_view kSetvarMultiSyntax = "<uuid> <var>=<value>;<var>=<value>...";

void uuid_setvar_multi(SwitchCore& core, std::string_view arg, std::string& out) {
  if (!arg.empty()) {
    std::size_t space = arg.find(' ');
    // A uuid alone gets no reply at all.
    if (space == std::string_view::npos) return;
    SessionPtr session = core.locate(arg.substr(0, space));
    if (session) {
      auto items = separate_string(arg.substr(space + 1), ';', 64);
      // One name that could corrupt event streams refuses the whole command: nothing is set.
      for (const auto& item : items) {
        if (!protocol::valid_header_name(std::string_view(item).substr(0, item.find('=')))) {
          out += "-ERR invalid variable name\n";
          return;
        }
      }
      int set = 0;
      for (const auto& item : items) {
        std::size_t eq = item.find('=');
        std::string name = item.substr(0, eq);
        if (name.empty()) {
          out += "-ERR No variable specified\n";
          continue;
        }
        session->set_variable(name, eq == std::string::npos ? std::string() : item.substr(eq + 1));
        ++set;
      }
      if (set) {
        out += "+OK\n";
        return;
      }
    } else {
      out += "-ERR No such channel!\n";
    }
  }
  out += fmt::format("-USAGE: {}\n", kSetvarMultiSyntax);
}

void uuid_dump(SwitchCore& core, std::string_view arg, std::string& out) {
  auto argv = separate_string(arg, ' ', 2);
  if (argv.empty() || argv[0].empty()) {
    out += "-USAGE: <uuid> [format]\n";
    return;
  }
  SessionPtr session = core.locate(argv[0]);
  if (!session) {
    out += "-ERR No such channel!\n";
    return;
  }
  std::string format = argv.size() > 1 ? argv[1] : "txt";
  core::Event event = session->create_event(core::EventType::kChannelData);
  session->add_event_data(event, true);
  if (protocol::iequals(format, "xml")) {
    core::serialize_xml(event, out);
  } else if (protocol::iequals(format, "json")) {
    core::serialize_json(event, out);
  } else if (protocol::iequals(format, "plain")) {
    core::serialize_plain_unencoded(event, out);
  } else {
    core::serialize_plain(event, out);
  }
}

void uuid_flush_dtmf(SwitchCore& core, std::string_view arg, std::string& out) {
  SessionPtr session = arg.empty() ? nullptr : core.locate(arg);
  if (!session) {
    out += "-ERR No such session\n";
    return;
  }
  session->flush_dtmf();
  out += "+OK\n";
}

// switch_ivr_hold_uuid and friends: a uuid that is not found counts as success.
bool hold_uuid(SwitchCore& core, std::string_view uuid, std::string_view message) {
  SessionPtr session = core.locate(uuid);
  return !session || hold(*session, message, true);
}

bool unhold_uuid(SwitchCore& core, std::string_view uuid) {
  SessionPtr session = core.locate(uuid);
  return !session || unhold(*session);
}

bool toggle_hold_uuid(SwitchCore& core, std::string_view uuid, std::string_view message) {
  SessionPtr session = core.locate(uuid);
  if (!session) return true;
  CallState state = session->call_state();
  if (state == CallState::kActive || state == CallState::kUnheld)
    return hold(*session, message, true);
  if (state == CallState::kHeld) return unhold(*session);
  return true;
}

void uuid_hold(SwitchCore& core, std::string_view arg, std::string& out) {
  auto argv = separate_string(arg, ' ', 4);
  auto word = [&](std::size_t i) { return i < argv.size() ? argv[i] : std::string(); };
  bool ok = false;
  if (argv.empty() || argv[0].empty()) {
    out += "-USAGE: [off|toggle] <uuid> [<display>]\n";
  } else if (protocol::iequals(argv[0], "off")) {
    ok = unhold_uuid(core, word(1));
  } else if (protocol::iequals(argv[0], "toggle")) {
    ok = toggle_hold_uuid(core, word(1), word(2));
  } else {
    ok = hold_uuid(core, argv[0], word(1));
  }
  out += ok ? "+OK Success\n" : "-ERR Operation failed\n";
}

void uuid_outgoing_answer(SwitchCore& core, std::string_view arg, std::string& out) {
  if (arg.empty()) {
    out += "-USAGE: <uuid>\n";
    return;
  }
  SessionPtr session = core.locate(arg);
  if (!session) {
    out += "-ERR No such channel!\n";
  } else if (session->outbound()) {
    session->mark_answered();
    out += "+OK\n";
  } else {
    out += "-ERR Not an outbound channel!\n";
  }
}

void uuid_ring_ready(SwitchCore& core, std::string_view arg, std::string& out) {
  auto argv = separate_string(arg, ' ', 2);
  bool queued = false;
  if (argv.size() > 1) queued = protocol::iequals(argv[1], "queued");
  if (argv.empty() || (argv.size() > 1 && !queued)) {
    out += "-USAGE: <uuid> [queued]\n";
    return;
  }
  SessionPtr session = core.locate(argv[0]);
  if (!session) {
    out += "-ERROR\n";
    return;
  }
  session->ring_ready();
  if (queued) session->set_call_state(CallState::kRingWait);
  out += "+OK\n";
}

void uuid_phone_event(SwitchCore& core, std::string_view arg, std::string& out) {
  auto argv = separate_string(arg, ' ', 2);
  bool ok = false;
  if (argv.empty()) {
    out += "-USAGE: <uuid>\n";
  } else {
    // The phone-event indication goes to the endpoint; the built-in endpoints accept it.
    ok = core.locate(argv[0]) != nullptr;
  }
  out += ok ? "+OK Success\n" : "-ERR Operation failed\n";
}

// Channels switched to no-media (proxy) mode by "uuid_media off". No endpoint here carries
// media outside the switch, so the mode is the whole effect.
std::mutex proxy_mutex;
std::set<std::string, std::less<>> proxy_channels;

void uuid_media(SwitchCore& core, std::string_view arg, std::string& out) {
  auto argv = separate_string(arg, ' ', 4);
  bool ok = false;
  if (argv.empty() || argv[0].empty()) {
    out += "-USAGE: [off] <uuid>\n";
  } else if (protocol::iequals(argv[0], "off")) {
    SessionPtr session = argv.size() > 1 ? core.locate(argv[1]) : nullptr;
    if (session) {
      std::lock_guard lock(proxy_mutex);
      proxy_channels.insert(session->uuid());
      ok = true;
    }
  } else if (SessionPtr session = core.locate(argv[0])) {
    // Re-inviting media only succeeds for a channel that is in no-media mode.
    std::lock_guard lock(proxy_mutex);
    ok = proxy_channels.erase(session->uuid()) > 0;
  }
  out += ok ? "+OK Success\n" : "-ERR Operation failed\n";
}

void uuid_early_ok(SwitchCore& core, std::string_view arg, std::string& out) {
  // Success writes nothing (the socket then answers "-ERR no reply").
  if (arg.empty() || !core.locate(arg)) out += "-ERROR\n";
}

constexpr std::string_view kHeartbeatSyntax = "<uuid> [sched] [0|<seconds>]";

void uuid_session_heartbeat(SwitchCore& core, std::string_view arg, std::string& out) {
  auto argv = separate_string(arg, ' ', 3);
  if (argv.size() < 2) {
    out += fmt::format("-USAGE: uuid_session_heartbeat {}\n", kHeartbeatSyntax);
    return;
  }
  SessionPtr session = core.locate(argv[0]);
  if (!session) {
    out += fmt::format("-ERR Cannot locate session. USAGE: uuid_session_heartbeat {}\n",
                       kHeartbeatSyntax);
    return;
  }
  bool sched = protocol::iequals(argv[1], "sched");
  std::size_t x = sched ? 2 : 1;
  std::uint32_t seconds = 60;
  if (x >= argv.size()) {
    // FreeSWITCH reads a NULL word here (and crashes); no word turns the heartbeat off.
    seconds = 0;
  } else if (text::is_number(argv[x])) {
    int parsed = std::atoi(argv[x].c_str());
    if (parsed > 0) seconds = static_cast<std::uint32_t>(parsed);
  } else if (!text::switch_true(argv[x])) {
    seconds = 0;
  }
  if (seconds == 0) {
    disable_heartbeat(*session);
  } else if (sched) {
    sched_heartbeat(*session);
  } else {
    enable_heartbeat(*session, seconds);
  }
  out += "+OK\n";
}

void hupall(SwitchCore& core, std::string_view arg, std::string& out) {
  int cause = cause::kManagerRequest;
  std::vector<std::string> argv;
  std::vector<std::pair<std::string, std::string>> vars;
  if (!arg.empty()) {
    argv = separate_string(arg, ' ', 11);
    const std::string& first = argv[0];
    int parsed = cause::kNone;
    if (!first.empty() && first[0] >= '0' && first[0] <= '9') {
      parsed = std::atoi(first.c_str());
    } else {
      parsed = cause_by_name(first);
    }
    if (parsed > 0) cause = parsed;
    for (std::size_t i = 1; i + 1 < argv.size(); i += 2) {
      if (!argv[i].empty() && !argv[i + 1].empty()) vars.emplace_back(argv[i], argv[i + 1]);
    }
  }
  if (vars.empty()) {
    core.hangup_all(cause);
    out += fmt::format("+OK hangup all channels with cause {}\n", cause_name(cause));
    return;
  }
  for (const SessionPtr& session : core.sessions()) {
    if (!session->up()) continue;
    bool all_match = true;
    for (const auto& [name, value] : vars) {
      auto have = session->variable(name);
      if (!have || *have != value) {
        all_match = false;
        break;
      }
    }
    if (all_match) session->hangup(cause);
  }
  out += fmt::format("+OK hangup all channels matching [{}]=[{}]{} with cause: {}\n", argv[1],
                     argv[2], vars.size() > 1 ? "..." : "", cause_name(cause));
}

}  // namespace

void register_call_control_commands(SwitchCore& core) {
  add_switch_command(core, "uuid_transfer", std::string(kTransferSyntax), "Transfer a session",
                     uuid_transfer);
  add_switch_command(core, "uuid_break", "<uuid> [all]", "Break out of media sent to channel",
                     uuid_break);
  add_switch_command(core, "break", "<uuid> [all]", "uuid_break", uuid_break);
  add_switch_command(core, "uuid_broadcast", "<uuid> <path> [aleg|bleg|holdb|both]",
                     "Execute dialplan application", uuid_broadcast);
  add_switch_command(core, "uuid_setvar_multi", std::string(kSetvarMultiSyntax),
                     "Set multiple variables", uuid_setvar_multi);
  add_switch_command(core, "uuid_dump", "<uuid> [format]", "Dump session vars", uuid_dump);
  add_switch_command(core, "uuid_flush_dtmf", "<uuid>", "Flush dtmf on a given uuid",
                     uuid_flush_dtmf);
  add_switch_command(core, "uuid_hold", "[off|toggle] <uuid> [<display>]", "Place call on hold",
                     uuid_hold);
  add_switch_command(core, "uuid_outgoing_answer", "<uuid>", "Answer outgoing channel",
                     uuid_outgoing_answer);
  add_switch_command(core, "uuid_ring_ready", "<uuid> [queued]", "Sending ringing to a channel",
                     uuid_ring_ready);
  add_switch_command(core, "uuid_phone_event", "<uuid>", "Send an event to the phone",
                     uuid_phone_event);
  add_switch_command(core, "uuid_media", "[off] <uuid>", "Reinvite FS in or out of media path",
                     uuid_media);
  add_switch_command(core, "uuid_early_ok", "<uuid>", "stop ignoring early media", uuid_early_ok);
  add_switch_command(core, "uuid_session_heartbeat", std::string(kHeartbeatSyntax),
                     "uuid_session_heartbeat", uuid_session_heartbeat);
  add_switch_command(core, "hupall", "<cause> [<var> <value>] [<var2> <value2>]", "hupall", hupall);
}

}  // namespace es::sw
