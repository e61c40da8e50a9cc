#include "listener_table.hpp"

#include <fmt/format.h>

#include <charconv>
#include <string>

namespace es::bench {
namespace {

// The number in `"field":"123"` inside `row`, or 0.
std::int64_t number_field(std::string_view row, std::string_view field) {
  std::string key = fmt::format("\"{}\":\"", field);
  std::size_t at = row.find(key);
  if (at == std::string_view::npos) return 0;
  std::string_view digits = row.substr(at + key.size());
  std::int64_t value = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), value);
  return value;
}

}  // namespace

std::optional<ListenerRow> find_listener_row(std::string_view json, std::string_view peer) {
  std::string key = fmt::format("\"peer\":\"{}\"", peer);
  std::size_t at = json.find(key);
  if (at == std::string_view::npos) return std::nullopt;
  // No value of a row (addresses, numbers, event names) holds a brace, so the row is what
  // lies between the braces around the match.
  std::size_t begin = json.rfind('{', at);
  std::size_t end = json.find('}', at);
  if (begin == std::string_view::npos || end == std::string_view::npos) return std::nullopt;
  std::string_view row = json.substr(begin, end - begin);
  ListenerRow result;
  result.queued_events = number_field(row, "queued_events");
  result.queued_bytes = number_field(row, "queued_bytes");
  result.delivered_events = number_field(row, "delivered_events");
  result.lost_events = number_field(row, "lost_events");
  return result;
}

}  // namespace es::bench
