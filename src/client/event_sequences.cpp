#include "client/event_sequences.hpp"

#include <algorithm>
#include <charconv>

namespace es::client {
namespace {

std::optional<std::uint64_t> number(std::string_view text) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

}  // namespace

bool EventSequences::note(const Event& event) {
  const std::string* core = event.header("Core-UUID");
  const std::string* sequence_text = event.header("Event-Sequence");
  if (core == nullptr || sequence_text == nullptr) return true;
  auto sequence = number(*sequence_text);
  if (!sequence) return true;
  auto found = marks_.find(*core);
  if (found == marks_.end()) {
    if (marks_.size() >= kMaxSwitches) return true;
    found = marks_.emplace(*core, Mark{}).first;
  }
  Mark& mark = found->second;
  if (*sequence <= mark.floor) return false;
  if (!mark.above.insert(*sequence).second) return false;
  if (mark.above.size() > kMaxAbove) {
    // Long after a reconnection nothing older can come back: fold into the floor.
    mark.floor = *mark.above.rbegin();
    mark.above.clear();
  }
  return true;
}

void EventSequences::mark_reconnect() {
  for (auto& [core, mark] : marks_) {
    if (!mark.above.empty()) mark.floor = std::max(mark.floor, *mark.above.rbegin());
    mark.above.clear();
  }
}

std::vector<std::pair<std::string, std::uint64_t>> EventSequences::positions() const {
  std::vector<std::pair<std::string, std::uint64_t>> result;
  for (const auto& [core, mark] : marks_) {
    std::uint64_t position = mark.floor;
    if (!mark.above.empty()) position = std::max(position, *mark.above.rbegin());
    result.emplace_back(core, position);
  }
  return result;
}

std::optional<std::pair<std::uint64_t, std::uint64_t>> parse_replay_reply(std::string_view text) {
  constexpr std::string_view kPrefix = "+OK replayed ";
  if (!text.starts_with(kPrefix)) return std::nullopt;
  text.remove_prefix(kPrefix.size());
  const std::size_t space = text.find(" lost ");
  if (space == std::string_view::npos) return std::nullopt;
  auto replayed = number(text.substr(0, space));
  auto lost = number(text.substr(space + 6));
  if (!replayed || !lost) return std::nullopt;
  return std::make_pair(*replayed, *lost);
}

}  // namespace es::client
