#include "apps/escli/completion.hpp"

#include <charconv>

#include <fmt/format.h>

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

}  // namespace es::apps::escli
