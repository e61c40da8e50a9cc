// console_complete: fs_cli's tab completion of API command names and, from the complete table,
// of their later words (mod_commands.c: console_complete_function; switch_console.c).
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "core/commands/command_groups.hpp"
#include "core/commands/console_complete_table.hpp"
#include "core/text/separate_string.hpp"
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

// FreeSWITCH's complete table has ten word columns (a1..a10): the words of a line past the
// tenth complete to nothing.
constexpr std::size_t kCompleteColumns = 10;

// The listing and the common prefix of the hits, as switch_console_complete builds them.
struct Hits {
  std::string out = "\n\n";
  int count = 0;
  std::string last, partial;

  void add(std::string_view target) {
    if (target.empty()) return;
    out += fmt::format("[{:>20}]\t", target);
    last = target;
    ++count;
    if (count == 1) {
      partial = last;
    } else {
      std::size_t common = 0;
      while (common < partial.size() && common < last.size() && partial[common] == last[common]) {
        ++common;
      }
      if (common < partial.size() && common < last.size()) partial.resize(common);
    }
    if (count % 4 == 0) out += '\n';
  }
};

// The live channels' uuids starting with `cursor` (::console::list_uuid), in byte order.
std::vector<std::string> live_uuids(Runtime& rt, std::string_view cursor) {
  std::vector<std::string> uuids;
  if (const ChannelDirectory* channels = rt.channels()) {
    for (auto& row : channels->channel_rows("channels")) {
      if (!row.empty() && like_prefix(row[0], cursor)) uuids.push_back(std::move(row[0]));
    }
  }
  std::sort(uuids.begin(), uuids.end());
  uuids.erase(std::unique(uuids.begin(), uuids.end()), uuids.end());
  return uuids;
}

// One value of the table's column for the word being typed: a literal, a "::[a:b" list or a
// "::console::..." function; list and function values must start with `cursor` (exact case).
void expand(Runtime& rt, std::string_view target, std::string_view cursor, Hits& hits) {
  auto offer = [&](std::string_view value) {
    if (value.starts_with(cursor)) hits.add(value);
  };
  if (target.starts_with("::[")) {
    for (const auto& item : text::separate_string(target.substr(3), ':', 100)) offer(item);
  } else if (target == "::console::list_uuid") {
    for (const auto& uuid : live_uuids(rt, cursor)) offer(uuid);
  } else if (!target.starts_with("::")) {
    hits.add(target);
  }
}

// The entries of the complete table for the commands this switch has, split into their words.
std::vector<std::vector<std::string>> complete_table(Runtime& rt) {
  std::vector<std::vector<std::string>> table;
  for (std::string_view entry : builtin_completions()) {
    auto words = text::separate_string(entry, ' ', kCompleteColumns);
    if (!words.empty() && rt.api().exists(words[0])) table.push_back(std::move(words));
  }
  return table;
}

// Does an entry's word `column` (empty past its end) admit the typed word `typed`? A "::" value
// admits anything; a complete word must equal the column, the word being typed start it.
bool column_admits(std::string_view column, std::string_view typed, bool exact) {
  if (column.empty() || column.starts_with("::")) return true;
  return exact ? column == typed : like_prefix(column, typed);
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

  std::size_t words = 0;
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

  Hits hits;
  if (words == 0) {
    std::set<std::string> names;  // distinct, byte-ordered
    for (const auto& command : rt.api().list()) {
      if (like_prefix(command.name, word)) names.insert(command.name);
    }
    for (const auto& name : names) hits.add(name);
  } else if (words < kCompleteColumns) {
    // Later words come from the complete table: the entries whose earlier words admit the
    // typed ones give their word at this position (distinct, byte-ordered).
    auto typed = text::separate_string(text, ' ', kCompleteColumns);
    bool at_new_word = words + 1 > typed.size();  // the line ends in a space
    std::set<std::string> targets;
    for (const auto& entry : complete_table(rt)) {
      bool admitted = true;
      for (std::size_t x = 0; x < typed.size() && admitted; ++x) {
        std::string_view column = x < entry.size() ? std::string_view(entry[x]) : "";
        admitted = column_admits(column, typed[x], at_new_word);
      }
      if (admitted && words < entry.size()) targets.insert(entry[words]);
    }
    std::string_view current = word;
    while (!current.empty() && current.front() == ' ') current.remove_prefix(1);
    for (const auto& target : targets) expand(rt, target, current, hits);
  }
  std::string out = std::move(hits.out);
  out += "\n\n";
  if (hits.count == 1 && !hits.last.empty()) {
    out += fmt::format("write={}:{} ", word.size(), hits.last);
  } else if (hits.count > 1 && !hits.partial.empty()) {
    out += fmt::format("write={}:{}", word.size(), hits.partial);
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
