// Media API commands (docs/api-behaviour.md §3): uuid_record, a media bug that records what the
// channel reads, and uuid_displace, a file in place of what it writes.
#include <fmt/format.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/text/separate_string.hpp"
#include "core/text/text.hpp"
#include "protocol/ascii.hpp"
#include "switch/apps/media_displacer.hpp"
#include "switch/apps/media_play.hpp"
#include "switch/apps/media_recorder.hpp"
#include "switch/commands/call_actions.hpp"
#include "switch/commands/switch_commands.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {
namespace {

using text::separate_string;

// The words shared by uuid_record and uuid_displace: "<uuid> <action> <path> [...]". Writes
// the usage line or the missing-session error and returns no session when they do not hold.
struct MediaCommand {
  SessionPtr session;
  std::vector<std::string> argv;  // uuid, action, path, then the command's own words
};
MediaCommand parse_media_command(SwitchCore& core, std::string_view arg, std::string_view syntax,
                                 std::string& out) {
  MediaCommand command{nullptr, separate_string(arg, ' ', 5)};
  const auto& argv = command.argv;
  if (arg.empty() || argv.size() < 3 || argv[0].empty() || argv[1].empty() || argv[2].empty()) {
    out += fmt::format("-USAGE: {}\n", syntax);
    return command;
  }
  command.session = core.locate(argv[0]);
  if (!command.session) out += "-ERR Cannot locate session!\n";
  return command;
}

constexpr std::string_view kRecordSyntax =
    "<uuid> [start|stop|mask|unmask] <path> [<limit>] [<recording_vars>]";

void uuid_record(SwitchCore& core, std::string_view arg, std::string& out) {
  auto usage = [&] { out += fmt::format("-USAGE: {}\n", kRecordSyntax); };
  MediaCommand command = parse_media_command(core, arg, kRecordSyntax, out);
  if (!command.session) return;
  const SessionPtr& s = command.session;
  const auto& argv = command.argv;
  const std::string& action = argv[1];
  const std::string& path = argv[2];
  auto reply = [&](bool ok, std::string_view failure) {
    out += ok ? std::string("+OK Success\n") : fmt::format("-ERR {}\n", failure);
  };
  if (protocol::iequals(action, "start")) {
    if (!s->may_use_file(recording_path(path, core.options().recording_dir), "record")) {
      out += refused_file_reply(path);
      return;
    }
    long long limit = argv.size() > 3 ? text::c_atol(argv[3]) : 0;
    reply(session_recording::start(*s, path, limit), "Cannot record session!");
  } else if (protocol::iequals(action, "stop")) {
    reply(session_recording::stop(*s, path), "Cannot stop record session!");
  } else if (protocol::iequals(action, "pause")) {
    reply(session_recording::pause(*s, path, true), "Cannot pause recording session!");
  } else if (protocol::iequals(action, "resume")) {
    reply(session_recording::pause(*s, path, false), "Cannot resume recording session!");
  } else if (protocol::iequals(action, "mask")) {
    reply(session_recording::mask(*s, path, true), "Cannot mask recording session!");
  } else if (protocol::iequals(action, "unmask")) {
    reply(session_recording::mask(*s, path, false), "Cannot unmask recording session!");
  } else {
    usage();
  }
}

constexpr std::string_view kDisplaceSyntax = "<uuid> [start|stop] <path> [<limit>] [mux]";

void uuid_displace(SwitchCore& core, std::string_view arg, std::string& out) {
  auto usage = [&] { out += fmt::format("-USAGE: {}\n", kDisplaceSyntax); };
  MediaCommand command = parse_media_command(core, arg, kDisplaceSyntax, out);
  if (!command.session) return;
  const SessionPtr& s = command.session;
  const auto& argv = command.argv;
  const std::string& action = argv[1];
  const std::string& path = argv[2];
  if (protocol::iequals(action, "start")) {
    // A file the caller's rules refuse gets the same clear error as uuid_record's.
    if (auto file = media::audio_file_path(path, sound_prefix(*s));
        file && !s->may_use_file(*file, "play")) {
      out += refused_file_reply(path);
      return;
    }
    // The fifth word is FreeSWITCH's flags string: "mux" mixes (its m), l loops, r/w choose
    // the direction (media_displacer.hpp).
    long long limit = argv.size() > 3 ? text::c_atoi(argv[3]) : 0;
    std::string_view flags = argv.size() > 4 ? std::string_view(argv[4]) : std::string_view();
    out += session_displacement::start(*s, path, limit, flags) ? "+OK Success\n"
                                                               : "-ERR Cannot displace session!\n";
  } else if (protocol::iequals(action, "stop")) {
    out += session_displacement::stop(*s, path) ? "+OK Success\n"
                                                : "-ERR Cannot stop displace session!\n";
  } else {
    usage();
  }
}

}  // namespace

void register_media_commands(SwitchCore& core) {
  add_switch_command(core, "uuid_displace", std::string(kDisplaceSyntax), "Displace audio",
                     uuid_displace);
  add_switch_command(core, "uuid_record", std::string(kRecordSyntax), "Record session audio",
                     uuid_record);
}

}  // namespace es::sw
