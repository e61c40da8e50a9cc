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
  void on_log(const core::LogLinePtr& line) override;

 private:
  std::atomic<int>& level_;
  bool colour_;
  std::FILE* file_;
  std::mutex mutex_;
};

}  // namespace es::apps
