// `event_socket listeners [as json]`: what each connection is doing, so an operator can see
// a slow consumer before it is killed (FreeSWITCH offers no such view).
#include <fmt/format.h>

#include "core/event_serializer.hpp"
#include "eventsocket/command_text.hpp"
#include "eventsocket/server.hpp"
#include "protocol/ascii.hpp"
#include "protocol/escape.hpp"

namespace es::eventsocket {
namespace {

constexpr std::string_view kUsage = "-USAGE: listeners [as json]\n";
constexpr std::string_view kColumns =
    "id,peer,user,authenticated,format,subscriptions,filters,log_level,queued_events,"
    "queued_logs,queued_bytes,delivered_events,lost_events,lost_logs,connected_epoch";

std::vector<std::string> row_values(const ListenerStats& s) {
  return {std::to_string(s.id),
          s.peer,
          s.user,
          s.authenticated ? "true" : "false",
          s.format,
          s.subscriptions,
          std::to_string(s.filters),
          std::to_string(s.log_level),
          std::to_string(s.queued_events),
          std::to_string(s.queued_logs),
          std::to_string(s.queued_bytes),
          std::to_string(s.delivered_events),
          std::to_string(s.lost_events),
          std::to_string(s.lost_logs),
          std::to_string(s.connected_epoch_us / 1000000)};
}

std::vector<std::string_view> column_names() {
  std::vector<std::string_view> names;
  std::string_view rest = kColumns;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    names.push_back(rest.substr(0, comma));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return names;
}

std::string render_text(const std::vector<ListenerStats>& stats) {
  std::string out;
  if (!stats.empty()) {
    out += kColumns;
    out += '\n';
    for (const auto& s : stats) {
      auto values = row_values(s);
      for (std::size_t i = 0; i < values.size(); ++i) {
        if (i) out += ',';
        out += values[i];
      }
      out += '\n';
    }
  }
  out += fmt::format("\n{} total.\n", stats.size());
  return out;
}

std::string render_json(const std::vector<ListenerStats>& stats) {
  auto names = column_names();
  std::string out = fmt::format("{{\"row_count\":{},\"rows\":[", stats.size());
  for (std::size_t r = 0; r < stats.size(); ++r) {
    if (r) out += ',';
    out += '{';
    auto values = row_values(stats[r]);
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i) out += ',';
      out += '"';
      out += names[i];
      out += "\":\"";
      protocol::json_escape_append(out, values[i]);
      out += '"';
    }
    out += '}';
  }
  out += "]}\n";
  return out;
}

}  // namespace

void register_event_socket_api(core::Runtime& runtime, Server& server) {
  runtime.api().add(
      core::ApiCommand{.name = "event_socket",
                       .syntax = "listeners [as json]",
                       .description = "Event socket listener statistics",
                       .function = [&server](std::string_view arg, std::string& out,
                                             const core::ApiContext&) -> core::ApiStatus {
                         auto words = split_words(arg);
                         if (words.empty() || !protocol::iequals(words[0], "listeners")) {
                           out = kUsage;
                           return core::ApiStatus::kSuccess;
                         }
                         bool json = words.size() >= 3 && protocol::iequals(words[1], "as") &&
                                     protocol::iequals(words[2], "json");
                         auto stats = server.listener_stats();
                         out = json ? render_json(stats) : render_text(stats);
                         return core::ApiStatus::kSuccess;
                       },
                       .module = "mod_event_socket",
                       .may_block = false});
}

}  // namespace es::eventsocket
