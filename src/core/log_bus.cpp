#include "core/log_bus.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <ctime>

#include "protocol/ascii.hpp"
#include "protocol/frames.hpp"

namespace es::core {
namespace {

constexpr std::array<std::string_view, 8> kLevelNames = {"CONSOLE", "ALERT",  "CRIT", "ERR",
                                                         "WARNING", "NOTICE", "INFO", "DEBUG"};

std::string_view base_name(std::string_view path) {
  auto slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::string_view log_level_name(int level) {
  if (level < 0) return "CONSOLE";
  return kLevelNames[static_cast<std::size_t>(std::min(level, 7))];
}

std::optional<int> parse_log_level(std::string_view word) {
  if (word.empty()) return std::nullopt;
  for (std::size_t i = 0; i < kLevelNames.size(); ++i) {
    if (protocol::iequals(word, kLevelNames[i])) return static_cast<int>(i);
  }
  if (protocol::iequals(word, "DISABLE")) return -1;
  // A number (FreeSWITCH uses atoi when the word starts with a digit or a minus sign).
  int value = 0;
  const char* first = word.data();
  const char* last = word.data() + word.size();
  auto [ptr, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || ptr == first) return std::nullopt;
  if (value < 0) return 0;
  if (value > 64) return 63;
  return value;
}

void LogBus::add_sink(std::weak_ptr<LogSink> sink) {
  std::lock_guard lock(mutex_);
  sinks_.push_back(std::move(sink));
}

void LogBus::log(int level, std::string_view file, std::string_view function, int line,
                 std::string_view message, std::string_view user_data) {
  auto entry = std::make_shared<LogLine>();
  entry->level = level;
  entry->file = std::string(base_name(file));
  entry->function = std::string(function);
  entry->line = line;
  entry->user_data = std::string(user_data);
  entry->message = std::string(message);
  if (!entry->message.empty() && entry->message.back() == '\n') entry->message.pop_back();
  entry->epoch_us = clock_.now_epoch_us();

  std::time_t seconds = static_cast<std::time_t>(entry->epoch_us / 1000000);
  std::tm local{};
  localtime_r(&seconds, &local);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", &local);
  // A simulated clock's time is flagged right after it: "<date> [sim] <idle>% [LEVEL] ...".
  entry->formatted =
      fmt::format("{}.{:06d} {}{:.2f}% [{}] {}:{} {}\n", date,
                  static_cast<int>(entry->epoch_us % 1000000), clock_.simulated() ? "[sim] " : "",
                  idle_cpu_.load(), log_level_name(level), entry->file, line, entry->message);

  std::vector<std::shared_ptr<LogSink>> live;
  {
    std::lock_guard lock(mutex_);
    std::erase_if(sinks_, [](const std::weak_ptr<LogSink>& s) { return s.expired(); });
    live.reserve(sinks_.size());
    for (auto& weak : sinks_) {
      if (auto sink = weak.lock()) live.push_back(std::move(sink));
    }
  }
  {
    // Built once here; every socket listener streaming logs writes these same bytes.
    entry->frame = protocol::log_frame(protocol::LogFrameFields{.level = level,
                                                                .text_channel = 0,
                                                                .file = entry->file,
                                                                .function = entry->function,
                                                                .line = line,
                                                                .user_data = entry->user_data},
                                       entry->formatted);
  }
  LogLinePtr shared = std::move(entry);
  for (auto& sink : live) sink->on_log(shared);
}

void LogBus::publish_upstream(LogLine line) {
  line.from_upstream = true;
  line.frame = protocol::log_frame(protocol::LogFrameFields{.level = line.level,
                                                            .text_channel = 0,
                                                            .file = line.file,
                                                            .function = line.function,
                                                            .line = line.line,
                                                            .user_data = line.user_data},
                                   line.formatted);
  std::vector<std::shared_ptr<LogSink>> live;
  {
    std::lock_guard lock(mutex_);
    for (auto& weak : sinks_) {
      if (auto sink = weak.lock()) live.push_back(std::move(sink));
    }
  }
  LogLinePtr shared = std::make_shared<const LogLine>(std::move(line));
  for (auto& sink : live) sink->on_log(shared);
}

}  // namespace es::core
