#include "apps/escli/console_commands.hpp"

#include <algorithm>
#include <array>
#include <tuple>
#include <utility>
#include <vector>

#include "protocol/header_fields.hpp"

namespace es::apps::escli {
namespace {

using protocol::iequals;

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' ||
                           text.back() == '\n')) {
    text.remove_suffix(1);
  }
  return text;
}

// Splits off the first space-separated word.
std::pair<std::string_view, std::string_view> first_word(std::string_view text) {
  text = trim(text);
  std::size_t space = text.find_first_of(" \t");
  if (space == std::string_view::npos) return {text, {}};
  return {text.substr(0, space), trim(text.substr(space + 1))};
}

// The slash commands (without the slash) and what each asks for.
constexpr std::array<std::pair<std::string_view, ConsoleCommandKind>, 13> kWords = {{
    {"exit", ConsoleCommandKind::kQuit},
    {"quit", ConsoleCommandKind::kQuit},
    {"bye", ConsoleCommandKind::kQuit},
    {"...", ConsoleCommandKind::kQuit},
    {"help", ConsoleCommandKind::kHelp},
    {"event", ConsoleCommandKind::kEvent},
    {"noevents", ConsoleCommandKind::kNoEvents},
    {"nixevent", ConsoleCommandKind::kNixEvent},
    {"log", ConsoleCommandKind::kLog},
    {"nolog", ConsoleCommandKind::kNoLog},
    {"filter", ConsoleCommandKind::kFilter},
    {"uuid", ConsoleCommandKind::kUuid},
    {"logfilter", ConsoleCommandKind::kLogFilter},
}};

}  // namespace

ConsoleCommand parse_console_line(std::string_view line) {
  std::string_view text = trim(line);
  if (text.empty()) return {};
  if (text.starts_with("...")) return {ConsoleCommandKind::kQuit, "...", {}};
  if (!text.starts_with('/')) return {ConsoleCommandKind::kApi, {}, std::string(text)};

  auto [word, argument] = first_word(text.substr(1));
  ConsoleCommand command{ConsoleCommandKind::kUnknown, std::string(word), std::string(argument)};
  for (const auto& [name, kind] : kWords) {
    if (iequals(word, name)) command.kind = kind;
  }
  return command;
}

EventRequest parse_event_request(std::string_view argument) {
  EventRequest request;
  auto [word, rest] = first_word(argument);
  if (auto format = protocol::parse_format(word)) {
    request.format = *format;
    request.events = std::string(rest);
  } else {
    request.events = std::string(trim(argument));
  }
  return request;
}

FilterRequest parse_filter_request(std::string_view argument) {
  FilterRequest request;
  auto [word, rest] = first_word(argument);
  if (iequals(word, "delete")) {
    request.remove = true;
    std::tie(word, rest) = first_word(rest);
  }
  request.header = std::string(word);
  request.value = std::string(rest);
  return request;
}

std::vector<std::string_view> slash_command_names() {
  std::vector<std::string_view> names;
  for (const auto& entry : kWords) {
    if (entry.first != "...") names.push_back(entry.first);
  }
  return names;
}

std::string console_help() {
  return "Commands (anything else is sent as an api command, e.g. \"status\"):\n"
         "  /help                          this list\n"
         "  /exit, /quit, /bye, ...        leave (Ctrl-D on an empty line too)\n"
         "  /event [plain|json|xml] NAMES  receive events (NAMES: event names or ALL)\n"
         "  /nixevent NAMES                stop receiving some events\n"
         "  /noevents                      stop receiving events\n"
         "  /log LEVEL                     receive log lines (console..debug or 0-7)\n"
         "  /nolog                         stop receiving log lines\n"
         "  /filter HEADER VALUE           only events whose HEADER is VALUE\n"
         "  /filter delete HEADER [VALUE]  drop a filter\n"
         "  /uuid [UUID]                   show only the log lines of one call (none: all)\n"
         "  /logfilter [TEXT]              show only log lines containing TEXT (none: all)\n"
         "Keys: Tab completes command names, Up/Down walk the history, F1..F12 run macros.\n";
}

}  // namespace es::apps::escli
