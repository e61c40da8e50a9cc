// show and help (mod_commands.c: show_function, help_function).
#include "core/commands/show_commands.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "core/commands/command_groups.hpp"
#include "core/commands/table_printer.hpp"
#include "core/text/separate_string.hpp"
#include "protocol/ascii.hpp"

namespace es::core::commands {
namespace {

constexpr std::string_view kShowSyntax =
    "codec|endpoint|application|api|dialplan|file|timer|calls [count]|channels [count|like "
    "<match string>]|calls|detailed_calls|bridged_calls|detailed_bridged_calls|aliases|"
    "complete|chat|management|modules|nat_map|say|interfaces|interface_types|tasks|limits|"
    "status";

// Every interface of the switch, API commands included, as rows of FreeSWITCH's table.
std::vector<InterfaceEntry> all_interfaces(Runtime& rt) {
  std::vector<InterfaceEntry> rows = rt.interfaces().list();
  for (auto& command : rt.api().list()) {
    rows.push_back(InterfaceEntry{.type = "api",
                                  .name = command.name,
                                  .description = command.description,
                                  .syntax = command.syntax,
                                  .module = command.module,
                                  .filename = {}});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.type != b.type ? a.type < b.type : a.name < b.name;
  });
  return rows;
}

}  // namespace

bool sql_like(std::string_view text, std::string_view pattern) {
  constexpr auto lower = protocol::ascii_lower;
  // Greedy scan remembering the last '%': on a mismatch the '%' takes one more character and
  // the rest of the pattern is tried again from there. Each retry moves the remembered start
  // forward, so the work is at most text x pattern steps and needs no recursion.
  std::size_t t = 0, p = 0;
  std::size_t star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '%') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && (pattern[p] == '_' || lower(pattern[p]) == lower(text[t]))) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '%') ++p;
  return p == pattern.size();
}

namespace {

struct Query {
  Table table;
  std::string error;  // replaces the table when set
  bool just_count = false;
  bool help = false;
};

std::vector<std::vector<std::string>> channel_table_rows(Runtime& rt, std::string_view subject) {
  const ChannelDirectory* channels = rt.channels();
  if (channels == nullptr) return {};
  return channels->channel_rows(subject);
}

}  // namespace

const std::vector<std::string>& channel_columns() {
  static const std::vector<std::string> columns = {"uuid",
                                                   "direction",
                                                   "created",
                                                   "created_epoch",
                                                   "name",
                                                   "state",
                                                   "cid_name",
                                                   "cid_num",
                                                   "ip_addr",
                                                   "dest",
                                                   "application",
                                                   "application_data",
                                                   "dialplan",
                                                   "context",
                                                   "read_codec",
                                                   "read_rate",
                                                   "read_bit_rate",
                                                   "write_codec",
                                                   "write_rate",
                                                   "write_bit_rate",
                                                   "secure",
                                                   "hostname",
                                                   "presence_id",
                                                   "presence_data",
                                                   "accountcode",
                                                   "callstate",
                                                   "callee_name",
                                                   "callee_num",
                                                   "callee_direction",
                                                   "call_uuid",
                                                   "sent_callee_name",
                                                   "sent_callee_num",
                                                   "initial_cid_name",
                                                   "initial_cid_num",
                                                   "initial_ip_addr",
                                                   "initial_dest",
                                                   "initial_dialplan",
                                                   "initial_context"};
  return columns;
}

const std::vector<std::string>& call_columns() {
  static const std::vector<std::string> columns = [] {
    std::vector<std::string> leg = {
        "uuid",           "direction",        "created",     "created_epoch", "name",
        "state",          "cid_name",         "cid_num",     "ip_addr",       "dest",
        "presence_id",    "presence_data",    "accountcode", "callstate",     "callee_name",
        "callee_num",     "callee_direction", "call_uuid",   "hostname",      "sent_callee_name",
        "sent_callee_num"};
    std::vector<std::string> out = leg;
    for (const auto& name : leg) {
      if (name == "call_uuid" || name == "hostname") continue;
      out.push_back("b_" + name);
    }
    out.emplace_back("call_created_epoch");
    return out;
  }();
  return columns;
}

const std::vector<std::string>& detailed_call_columns() {
  static const std::vector<std::string> columns = [] {
    // The channel columns up to sent_callee_num, for A and then B.
    const auto& channel = channel_columns();
    std::vector<std::string> out(channel.begin(), channel.begin() + 32);
    for (std::size_t i = 0; i < 32; ++i) out.push_back("b_" + channel[i]);
    out.emplace_back("call_created_epoch");
    return out;
  }();
  return columns;
}

const std::vector<std::string>& registration_columns() {
  static const std::vector<std::string> columns = {
      "reg_user",   "realm",        "token",         "url",      "expires",
      "network_ip", "network_port", "network_proto", "hostname", "metadata"};
  return columns;
}

namespace {

// Fills `query` for the subject; false means "print the usage".
bool build_query(Runtime& rt, const std::vector<std::string>& argv, std::string& command,
                 std::optional<std::string>& as, Query& query) {
  auto arg = [&](std::size_t i) -> const std::string* {
    return i < argv.size() ? &argv[i] : nullptr;
  };
  auto interface_rows = [&](auto&& keep, auto&& columns_of) {
    for (const auto& entry : all_interfaces(rt)) {
      if (keep(entry)) query.table.rows.push_back(columns_of(entry));
    }
  };

  static constexpr std::string_view kTypedSubjects[] = {
      "codec", "dialplan", "file", "timer", "chat", "limit", "say", "management", "endpoint"};
  for (std::string_view subject : kTypedSubjects) {
    if (protocol::istarts_with(command, subject)) {
      if (!command.empty() && command.back() == 's') command.pop_back();
      query.table.columns = {"type", "name", "ikey"};
      interface_rows([&](const InterfaceEntry& e) { return e.type == command; },
                     [](const InterfaceEntry& e) {
                       return std::vector<std::string>{e.type, e.name, e.module};
                     });
      return true;
    }
  }
  if (protocol::istarts_with(command, "module")) {
    const std::string* module = arg(1);
    if (module && protocol::iequals(*module, "as")) module = nullptr;
    query.table.columns = {"type", "name", "ikey", "filename"};
    std::set<std::vector<std::string>> seen;
    interface_rows(
        [&](const InterfaceEntry& e) {
          if (module && e.module != *module) return false;
          return seen.insert({e.type, e.name, e.module, e.filename}).second;
        },
        [](const InterfaceEntry& e) {
          return std::vector<std::string>{e.type, e.name, e.module, e.filename};
        });
    return true;
  }
  if (protocol::iequals(command, "interfaces")) {
    query.table.columns = {"type", "name", "ikey"};
    interface_rows([](const InterfaceEntry&) { return true; },
                   [](const InterfaceEntry& e) {
                     return std::vector<std::string>{e.type, e.name, e.module};
                   });
    return true;
  }
  if (protocol::iequals(command, "interface_types")) {
    query.table.columns = {"type", "total"};
    std::map<std::string, std::size_t> totals;
    for (const auto& entry : all_interfaces(rt)) ++totals[entry.type];
    for (const auto& [type, total] : totals) {
      query.table.rows.push_back({type, std::to_string(total)});
    }
    return true;
  }
  if (protocol::iequals(command, "tasks")) {
    query.table.columns = {"task_id",      "task_desc",        "task_group",
                           "task_runtime", "task_sql_manager", "hostname"};
    return true;
  }
  if (protocol::iequals(command, "application") || protocol::iequals(command, "api")) {
    const std::string* name = arg(1);
    if (name && protocol::iequals(*name, "as")) name = nullptr;
    query.table.columns = {"name", "description", "syntax", "ikey"};
    interface_rows(
        [&](const InterfaceEntry& e) {
          return e.type == command && !e.description.empty() && (!name || e.name == *name);
        },
        [](const InterfaceEntry& e) {
          return std::vector<std::string>{e.name, e.description, e.syntax, e.module};
        });
    return true;
  }
  if (protocol::iequals(command, "aliases")) {
    query.table.columns = {"sticky", "alias", "command", "hostname"};
    return true;
  }
  if (protocol::iequals(command, "complete")) {
    query.table.columns = {"sticky", "a1", "a2", "a3", "a4",  "a5",
                           "a6",     "a7", "a8", "a9", "a10", "hostname"};
    return true;
  }
  if (protocol::istarts_with(command, "help")) {
    // The command word never holds a space, so help always lists every API.
    query.help = true;
    query.table.columns = {"name", "syntax", "description", "ikey"};
    interface_rows([](const InterfaceEntry& e) { return e.type == "api"; },
                   [](const InterfaceEntry& e) {
                     return std::vector<std::string>{e.name, e.syntax, e.description, e.module};
                   });
    return true;
  }
  if (protocol::iequals(command, "nat_map")) {
    query.table.columns = {"port", "proto", "proto_num", "sticky"};
    return true;
  }

  auto count_variant = [&]() {
    if (arg(1) && protocol::iequals(*arg(1), "count")) {
      query.just_count = true;
      if (arg(2) && arg(3) && protocol::iequals(*arg(2), "as")) as = *arg(3);
    }
  };
  if (protocol::iequals(command, "calls")) {
    query.table.columns = call_columns();
    query.table.rows = channel_table_rows(rt, "calls");
    count_variant();
  } else if (protocol::iequals(command, "registrations")) {
    query.table.columns = registration_columns();
    query.table.rows = channel_table_rows(rt, "registrations");
    count_variant();
  } else if (protocol::iequals(command, "channels") && arg(1) &&
             protocol::iequals(*arg(1), "like")) {
    query.table.columns = channel_columns();
    auto rows = channel_table_rows(rt, "channels");
    if (arg(2) && arg(2)->size() > kMaxLikePatternBytes) {
      query.error = fmt::format("-ERR like pattern longer than {} bytes\n", kMaxLikePatternBytes);
    } else if (arg(2)) {
      std::string match = *arg(2);
      for (char& c : match) {
        if (c == '\'' || c == ';') c = ' ';
      }
      std::string pattern = match.find('%') != std::string::npos ? match : "%" + match + "%";
      static constexpr std::size_t kSearched[] = {0, 4, 6, 7, 23, 24};
      for (auto& row : rows) {
        bool hit = std::any_of(std::begin(kSearched), std::end(kSearched), [&](std::size_t c) {
          return c < row.size() && sql_like(row[c], pattern);
        });
        if (hit) query.table.rows.push_back(std::move(row));
      }
      if (arg(4) && protocol::iequals(*arg(3), "as")) as = *arg(4);
    } else {
      query.table.rows = std::move(rows);
    }
  } else if (protocol::iequals(command, "channels")) {
    query.table.columns = channel_columns();
    query.table.rows = channel_table_rows(rt, "channels");
    count_variant();
  } else if (protocol::iequals(command, "detailed_calls") ||
             protocol::iequals(command, "detailed_bridged_calls")) {
    query.table.columns = detailed_call_columns();
    query.table.rows = channel_table_rows(rt, protocol::iequals(command, "detailed_calls")
                                                  ? "detailed_calls"
                                                  : "detailed_bridged_calls");
  } else if (protocol::iequals(command, "bridged_calls")) {
    query.table.columns = call_columns();
    query.table.rows = channel_table_rows(rt, "bridged_calls");
  } else {
    return false;
  }
  return true;
}

ApiStatus show(Runtime& rt, std::string_view arg, std::string& out, const ApiContext& context) {
  std::vector<std::string> argv;
  if (!arg.empty()) argv = text::separate_string(arg, ' ', 6);
  if (argv.empty()) {
    out += fmt::format("-USAGE: {}\n", kShowSyntax);
    return ApiStatus::kSuccess;
  }
  std::string command = argv[0];
  std::optional<std::string> as;
  if (argv.size() > 2 && protocol::iequals(argv[1], "as")) as = argv[2];

  // "show status" runs the status command through the executor, sharing this API event.
  if (protocol::istarts_with(command, "status")) {
    if (!as && argv.size() > 1) as = argv[1];
    out += rt.api().execute(command, as ? *as : std::string(), context).output;
    return ApiStatus::kSuccess;
  }

  Query query;
  if (!build_query(rt, argv, command, as, query)) {
    out += fmt::format("-USAGE: {}\n", kShowSyntax);
    return ApiStatus::kSuccess;
  }
  if (!query.error.empty()) {
    out += query.error;
    return ApiStatus::kSuccess;
  }

  // Without "as", delimited with ","; "as delim|csv" takes the delimiter from the 4th word.
  std::string delimiter = ",";
  std::string format = as.value_or(std::string("delim"));
  if (as && argv.size() > 3) delimiter = argv[3];
  if (protocol::iequals(format, "delim") || protocol::iequals(format, "csv")) {
    if (query.just_count) {
      out += print_count_delimited(query.table.rows.size());
    } else if (query.help) {
      out += print_delimited(query.table, delimiter, false, false);
      if (query.table.rows.empty()) out += "-ERR No such command\n";
    } else {
      out += print_delimited(query.table, delimiter);
    }
  } else if (protocol::iequals(format, "xml")) {
    out += query.just_count ? print_count_xml(query.table.rows.size()) : print_xml(query.table);
  } else if (protocol::iequals(format, "json")) {
    out += query.just_count ? print_count_json(query.table.rows.size()) : print_json(query.table);
  } else {
    out += fmt::format("-ERR Cannot find format {}\n", format);
  }
  return ApiStatus::kSuccess;
}

}  // namespace

void register_show_commands(Runtime& rt) {
  add_command(rt, "show", "Show various reports", std::string(kShowSyntax),
              [&rt](std::string_view arg, std::string& out, const ApiContext& context) {
                return show(rt, arg, out, context);
              },
              {.may_block = false});
  add_command(rt, "help", "Show help for all the api commands", "",
              [&rt](std::string_view arg, std::string& out, const ApiContext& context) {
                if (arg.empty()) out += "\nValid Commands:\n\n";
                return show(rt, arg.empty() ? std::string("help") : fmt::format("help {}", arg),
                            out, context);
              },
              {.may_block = false});
}

}  // namespace es::core::commands
