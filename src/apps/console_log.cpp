#include "apps/console_log.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace es::apps {
namespace {

// The terminal colours FreeSWITCH's console uses per level (CONSOLE..DEBUG).
constexpr std::array<std::string_view, 8> kColours = {
    "\033[0m", "\033[31m", "\033[31m", "\033[31m", "\033[35m", "\033[36m", "\033[32m", "\033[33m"};

}  // namespace

ConsoleLog::ConsoleLog(std::atomic<int>& level, bool colour, std::FILE* file)
    : level_(level), colour_(colour), file_(file) {}

ConsoleLog::~ConsoleLog() {
  if (file_) std::fclose(file_);
}

void ConsoleLog::on_log(const core::LogLinePtr& line) {
  if (line->from_upstream) return;  // the upstream's own console has it
  std::lock_guard lock(mutex_);
  if (file_) {
    std::fwrite(line->formatted.data(), 1, line->formatted.size(), file_);
    std::fflush(file_);
  }
  if (line->level > level_.load(std::memory_order_relaxed)) return;
  if (colour_.load(std::memory_order_relaxed)) {
    auto colour = kColours[static_cast<std::size_t>(std::clamp(line->level, 0, 7))];
    std::fwrite(colour.data(), 1, colour.size(), stderr);
    std::fwrite(line->formatted.data(), 1, line->formatted.size(), stderr);
    std::fputs("\033[0m", stderr);
  } else {
    std::fwrite(line->formatted.data(), 1, line->formatted.size(), stderr);
  }
}

}  // namespace es::apps
