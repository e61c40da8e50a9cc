// A log sink for the switch tests: keeps the messages of ERR lines and worse, so a test can
// check that a failure was reported in the words it expects.
#pragma once

#include <algorithm>
#include <mutex>
#include <string>
#include <vector>

#include "core/log_bus.hpp"

namespace es::sw::testing {

struct ErrorLogRecorder : core::LogSink {
  void on_log(const core::LogLinePtr& line) override {
    std::lock_guard lock(mutex);
    if (line->level <= static_cast<int>(core::LogLevel::kErr)) errors.push_back(line->message);
  }
  bool saw(const std::string& message) {
    std::lock_guard lock(mutex);
    return std::find(errors.begin(), errors.end(), message) != errors.end();
  }
  std::mutex mutex;
  std::vector<std::string> errors;
};

}  // namespace es::sw::testing
