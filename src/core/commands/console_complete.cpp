// console_complete: fs_cli's tab completion of API command names
// (mod_commands.c: console_complete_function; switch_console.c: switch_console_complete).
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include "core/commands/command_groups.hpp"
#include "protocol/ascii.hpp"

namespace es::core::commands {
namespace {

// The interfaces query matches names with SQL LIKE '<prefix>%': ASCII case-insensitive,
// '_' matching any one character and '%' any run.
bool like_prefix(std::string_view name, std::string_view prefix) {
  constexpr auto lower = protocol::ascii_lower;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (prefix[i] == '%') return true;
    if (i >= name.size()) return false;
    if (prefix[i] != '_' && lower(prefix[i]) != lower(name[i])) return false;
  }
  return true;
}

std::string complete(Runtime& rt, std::string_view line, std::optional<std::size_t> cursor) {
  std::string buf(line.substr(0, line.find('\0')));
  if (cursor && *cursor > 0 && *cursor < buf.size()) buf.resize(*cursor);
  if (auto cut = buf.find('\r'); cut != std::string::npos) {
    buf.resize(cut);
  } else if (auto lf = buf.find('\n'); lf != std::string::npos) {
    buf.resize(lf);
  }
  std::string_view text = buf;
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  // Several trailing spaces count as one.
  std::size_t trailing = 0;
  while (trailing < text.size() && text[text.size() - 1 - trailing] == ' ') ++trailing;
  if (trailing > 1) text.remove_suffix(trailing - 1);

  int words = 0;
  std::size_t last_space = std::string_view::npos;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == ' ') {
      last_space = i;
      ++words;
      while (i < text.size() && text[i] == ' ') ++i;
      if (i >= text.size()) break;
      // The character after a run of spaces is skipped by the scan, as in FreeSWITCH.
    }
  }
  std::string_view word = last_space == std::string_view::npos ? text : text.substr(last_space + 1);

  std::string out = "\n\n";
  int hits = 0;
  std::string last, partial;
  if (words == 0) {
    std::set<std::string> names;  // distinct, byte-ordered
    for (const auto& command : rt.api().list()) {
      if (like_prefix(command.name, word)) names.insert(command.name);
    }
    for (const auto& name : names) {
      out += fmt::format("[{:>20}]\t", name);
      last = name;
      ++hits;
      if (hits == 1) {
        partial = name;
      } else {
        std::size_t common = 0;
        while (common < partial.size() && common < last.size() && partial[common] == last[common]) {
          ++common;
        }
        if (common < partial.size() && common < last.size()) partial.resize(common);
      }
      if (hits % 4 == 0) out += '\n';
    }
  }
  out += "\n\n";
  if (hits == 1 && !last.empty()) {
    out += fmt::format("write={}:{} ", word.size(), last);
  } else if (hits > 1 && !partial.empty()) {
    out += fmt::format("write={}:{}", word.size(), partial);
  }
  return out;
}

}  // namespace

void register_console_complete(Runtime& rt) {
  add_command(rt, "console_complete", "", "<line>",
              [&rt](std::string_view arg, std::string& out, const ApiContext&) {
                std::string_view line = arg.empty() ? std::string_view(" ") : arg;
                std::optional<std::size_t> cursor;
                // "c=<pos>;<line>" gives the cursor position within <line>.
                if (auto marker = line.find("c="); marker != std::string_view::npos) {
                  std::string_view rest = line.substr(marker + 2);
                  long position = std::strtol(std::string(rest.substr(0, 32)).c_str(), nullptr, 10);
                  if (auto semicolon = rest.find(';'); semicolon != std::string_view::npos) {
                    line = rest.substr(semicolon + 1);
                    if (position > 0) cursor = static_cast<std::size_t>(position);
                  }
                }
                out += complete(rt, line, cursor);
                return ApiStatus::kSuccess;
              },
              {.may_block = false});
}

}  // namespace es::core::commands
