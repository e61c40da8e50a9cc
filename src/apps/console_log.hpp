// Writes log lines to stderr in FreeSWITCH's colours (and, optionally, to a log file).
#pragma once

#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

#include "core/log_bus.hpp"

namespace es::apps {

class ConsoleLog final : public core::LogSink {
 public:
  ConsoleLog(std::atomic<int>& level, bool colour, std::FILE* file);
  ~ConsoleLog() override;
  // switch.conf's colorize-console=false, read after the console exists.
  void set_colour(bool on) { colour_.store(on, std::memory_order_relaxed); }
  void on_log(const core::LogLinePtr& line) override;

 private:
  std::atomic<int>& level_;
  std::atomic<bool> colour_;
  std::FILE* file_;
  std::mutex mutex_;
};

}  // namespace es::apps
