// uuid_* API commands (docs/api-behaviour.md §3) with FreeSWITCH's exact reply texts.
#include <fmt/format.h>

#include "core/text/separate_string.hpp"
#include "protocol/header_fields.hpp"
#include "switch/apps/app_groups.hpp"
#include "switch/commands/switch_commands.hpp"
#include "switch/session/hangup_cause.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {
namespace {

using core::ApiStatus;
using text::separate_string;

// Splits `arg` into at most `max_words` words and finds the live session the first names;
// on failure writes the usage (fewer than `min_words`) or `not_found` reply and returns null.
SessionPtr target_session(SwitchCore& core, std::string_view arg, std::size_t max_words,
                          std::size_t min_words, std::string_view usage, std::string_view not_found,
                          std::vector<std::string>& words, std::string& out) {
  words = separate_string(arg, ' ', max_words);
  if (words.size() < min_words) {
    out += usage;
    return nullptr;
  }
  SessionPtr s = core.locate(words[0]);
  if (!s) out += not_found;
  return s;
}

void uuid_kill(SwitchCore& core, std::string_view arg, std::string& out) {
  std::vector<std::string> words;
  SessionPtr s = target_session(core, arg, 2, 1, "-USAGE: <uuid> [cause]\n",
                                "-ERR No such channel!\n", words, out);
  if (!s) return;
  int cause = words.size() > 1 ? cause_from_string(words[1]) : cause::kNormalClearing;
  s->hangup(cause);
  out += "+OK\n";
}

void uuid_getvar(SwitchCore& core, std::string_view arg, std::string& out) {
  std::vector<std::string> words;
  SessionPtr s = target_session(core, arg, 2, 2, "-USAGE: <uuid> <var>\n",
                                "-ERR No such channel!\n", words, out);
  if (!s) return;
  std::string name = words[1];
  int index = -1;
  if (auto open = name.find('['); open != std::string::npos && name.back() == ']') {
    index = std::atoi(name.c_str() + open + 1);
    name.resize(open);
  }
  auto value = s->lookup(name, index);
  out += value ? *value : std::string("_undef_");
}

void uuid_setvar(SwitchCore& core, std::string_view arg, std::string& out) {
  std::vector<std::string> words;
  SessionPtr s = target_session(core, arg, 3, 2, "-USAGE: <uuid> <var> [value]\n",
                                "-ERR No such channel!\n", words, out);
  if (!s) return;
  if (words[1].empty()) {
    out += "-ERR No variable specified\n";
    return;
  }
  if (!protocol::valid_header_name(words[1])) {
    out += "-ERR invalid variable name\n";
    return;
  }
  s->set_variable(words[1], words.size() > 2 ? words[2] : std::string());
  out += "+OK\n";
}

void uuid_answer(SwitchCore& core, std::string_view arg, std::string& out) {
  SessionPtr s = core.locate(std::string(arg));
  out += (s && s->answer()) ? "+OK\n" : "-ERROR\n";
}

void uuid_pre_answer(SwitchCore& core, std::string_view arg, std::string& out) {
  SessionPtr s = core.locate(std::string(arg));
  out += (s && s->pre_answer()) ? "+OK\n" : "-ERROR\n";
}

void uuid_park(SwitchCore& core, std::string_view arg, std::string& out) {
  SessionPtr s = core.locate(std::string(arg));
  if (!s) {
    out += "-ERR No such channel!\n";
    return;
  }
  s->break_requested = true;
  s->set_state(ChannelState::kPark);
  out += "+OK\n";
}

void uuid_send_dtmf(SwitchCore& core, std::string_view arg, std::string& out) {
  std::vector<std::string> words;
  SessionPtr s = target_session(core, arg, 2, 2, "-USAGE: <uuid> <dtmf_data>\n",
                                "-ERR Cannot locate session!\n", words, out);
  if (!s) return;
  std::string digits = words[1];
  std::string_view text = digits;
  if (!text.empty() && text[0] == '~') text.remove_prefix(1);
  auto dtmf = dtmf_from_string(text);
  if (text.size() > 99 || dtmf.empty()) {
    out += "-ERR Operation failed\n";
    return;
  }
  s->pre_answer();
  int total_ms = 0;
  for (const auto& d : dtmf) {
    s->send_dtmf(d);
    total_ms += d.duration_ms + 250;
  }
  s->set_variable("last_dtmf_duration", std::to_string(total_ms));
  out += fmt::format("+OK {} sent DTMF {}.\n", words[0], words[1]);
}

void uuid_recv_dtmf(SwitchCore& core, std::string_view arg, std::string& out) {
  std::vector<std::string> words;
  SessionPtr s = target_session(core, arg, 2, 2, "-USAGE: <uuid> <dtmf_data>\n",
                                "-ERR Cannot locate session!\n", words, out);
  if (!s) return;
  for (const auto& d : dtmf_from_string(words[1])) s->receive_dtmf(d);
  out += fmt::format("+OK {} received DTMF {}.\n", words[0], words[1]);
}

}  // namespace

void register_uuid_commands(SwitchCore& core) {
  add_switch_command(core, "uuid_kill", "<uuid> [cause]", "Kill channel", uuid_kill);
  add_switch_command(core, "uuid_getvar", "<uuid> <var>", "Get a variable from a channel",
                     uuid_getvar);
  add_switch_command(core, "uuid_setvar", "<uuid> <var> [value]", "Set a variable", uuid_setvar);
  add_switch_command(core, "uuid_answer", "<uuid>", "answer", uuid_answer);
  add_switch_command(core, "uuid_pre_answer", "<uuid>", "pre_answer", uuid_pre_answer);
  add_switch_command(core, "uuid_park", "<uuid>", "Park channel", uuid_park);
  add_switch_command(core, "uuid_send_dtmf", "<uuid> <dtmf_data>", "Send dtmf digits",
                     uuid_send_dtmf);
  add_switch_command(core, "uuid_recv_dtmf", "<uuid> <dtmf_data>", "Receive dtmf digits",
                     uuid_recv_dtmf);
}

}  // namespace es::sw
