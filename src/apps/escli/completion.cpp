#include "apps/escli/completion.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

#include <fmt/format.h>

#include "apps/escli/console_commands.hpp"
#include "protocol/ascii.hpp"

namespace es::apps::escli {
namespace {

constexpr std::string_view kWriteMarker = "\n\nwrite=";

std::string_view trim_newlines(std::string_view text) {
  while (!text.empty() && (text.front() == '\n' || text.front() == '\r')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::string completion_request(std::string_view line, std::size_t cursor) {
  if (cursor < line.size()) {
    return fmt::format("console_complete c={};{}", cursor, line.substr(0, cursor));
  }
  return fmt::format("console_complete {}", line);
}

CompletionEdit parse_completion_reply(std::string_view reply) {
  CompletionEdit edit;
  std::string_view listing = reply;
  if (auto marker = reply.find(kWriteMarker); marker != std::string_view::npos) {
    listing = reply.substr(0, marker);
    std::string_view write = reply.substr(marker + kWriteMarker.size());
    std::size_t length = 0;
    auto [end, error] = std::from_chars(write.data(), write.data() + write.size(), length);
    std::size_t colon = write.find(':');
    if (error == std::errc() && colon != std::string_view::npos && end == write.data() + colon) {
      edit.erase = length;
      edit.insert = std::string(write.substr(colon + 1));
    }
  }
  // The matches go on their own lines under the input line.
  listing = trim_newlines(listing);
  if (!listing.empty()) edit.listing = fmt::format("\n{}\n", listing);
  return edit;
}

std::optional<CompletionEdit> complete_slash_command(std::string_view line, std::size_t cursor) {
  std::string_view typed = line.substr(0, std::min(cursor, line.size()));
  while (!typed.empty() && typed.front() == ' ') typed.remove_prefix(1);
  if (!typed.starts_with('/') || typed.find_first_of(" \t") != std::string_view::npos) {
    return std::nullopt;
  }
  std::vector<std::string> matches;
  for (std::string_view name : slash_command_names()) {
    std::string candidate = fmt::format("/{}", name);
    if (protocol::istarts_with(candidate, typed)) matches.push_back(std::move(candidate));
  }
  std::sort(matches.begin(), matches.end());
  CompletionEdit edit;
  if (matches.empty()) return edit;
  std::string listing;
  std::string common = matches.front();
  for (std::size_t i = 0; i < matches.size(); ++i) {
    listing += fmt::format("[{:>20}]\t", matches[i]);
    if ((i + 1) % 4 == 0 && i + 1 < matches.size()) listing += '\n';
    std::size_t same = 0;
    while (same < common.size() && same < matches[i].size() && common[same] == matches[i][same]) {
      ++same;
    }
    common.resize(same);
  }
  edit.listing = fmt::format("\n{}\n", listing);
  edit.erase = typed.size();
  edit.insert = matches.size() == 1 ? matches.front() + " " : common;
  return edit;
}

CompletionEdit complete_line(std::string_view line, std::size_t cursor,
                             const std::function<std::string(const std::string&)>& ask) {
  if (auto edit = complete_slash_command(line, cursor)) return *edit;
  return parse_completion_reply(ask(completion_request(line, cursor)));
}

}  // namespace es::apps::escli
