// What a typed line asks for: fs_cli's slash commands (/event, /log, /filter, /uuid ...),
// leaving ("/exit", "/quit", "/bye", "..."), or an api command (anything else). Parsing only;
// the command loop carries them out.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "protocol/frames.hpp"

namespace es::apps::escli {

enum class ConsoleCommandKind {
  kEmpty,
  kApi,        // "status": sent as "api status"
  kQuit,       // /exit /quit /bye ...
  kHelp,       // /help
  kEvent,      // /event [plain|json|xml] <names>
  kNoEvents,   // /noevents
  kNixEvent,   // /nixevent <names>
  kLog,        // /log <level>
  kNoLog,      // /nolog
  kFilter,     // /filter <header> <value> | /filter delete <header> [<value>]
  kUuid,       // /uuid [<uuid>]: show only that call's log lines (none: all)
  kLogFilter,  // /logfilter [<text>]: show only log lines containing the text
  kUnknown,    // a slash command escli does not know
};

struct ConsoleCommand {
  ConsoleCommandKind kind = ConsoleCommandKind::kEmpty;
  std::string word;      // the slash command's name as typed ("event"), empty for api lines
  std::string argument;  // what follows it, spaces trimmed; the whole command for kApi
};

ConsoleCommand parse_console_line(std::string_view line);

// "/event" arguments: an optional format word, then event names.
struct EventRequest {
  protocol::EventFormat format = protocol::EventFormat::kPlain;
  std::string events;  // empty: none given
};
EventRequest parse_event_request(std::string_view argument);

// "/filter" arguments.
struct FilterRequest {
  bool remove = false;  // "delete"
  std::string header;
  std::string value;  // may be empty for delete (every filter on the header)
};
FilterRequest parse_filter_request(std::string_view argument);

// The slash commands' names without the slash ("exit", "event" ...), for Tab completion.
std::vector<std::string_view> slash_command_names();

// The /help text.
std::string console_help();

}  // namespace es::apps::escli
