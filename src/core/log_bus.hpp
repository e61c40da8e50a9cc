// The daemon's log: lines with FreeSWITCH's levels go to sinks (console, file, sockets).
#pragma once

#include <fmt/format.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"

namespace es::core {

// FreeSWITCH levels: CONSOLE 0, ALERT 1, CRIT 2, ERR 3, WARNING 4, NOTICE 5, INFO 6, DEBUG 7.
enum class LogLevel : int {
  kConsole = 0,
  kAlert = 1,
  kCrit = 2,
  kErr = 3,
  kWarning = 4,
  kNotice = 5,
  kInfo = 6,
  kDebug = 7
};
std::string_view log_level_name(int level);  // "DEBUG"...; numbers above 7 print as "DEBUG"
// switch_log_str2level: names (case-insensitive, DISABLE = -1) or numbers (<0 -> 0, >64 -> 63);
// nullopt for anything else ("ERROR" is not a name).
std::optional<int> parse_log_level(std::string_view word);

struct LogLine {
  int level = 7;
  std::string file;  // base name
  std::string function;
  int line = 0;
  std::string user_data;  // session uuid or empty
  std::string message;    // no trailing newline needed; one is added when formatting
  std::int64_t epoch_us = 0;
  // "<YYYY-MM-DD hh:mm:ss.uuuuuu> <idle %.2f>% [<LEVEL>] <file>:<line> <message>\n", with
  // "[sim] " before the idle figure when the clock is simulated
  std::string formatted;
  // The complete log/data frame for socket listeners, built once for all of them.
  std::string frame;
  // A line of a gateway's upstream server (docs/gateway.md): for socket listeners only, not
  // for this process's console or log file.
  bool from_upstream = false;
};
using LogLinePtr = std::shared_ptr<const LogLine>;

class LogSink {
 public:
  virtual ~LogSink() = default;
  virtual void on_log(const LogLinePtr& line) = 0;
};

class LogBus {
 public:
  explicit LogBus(const Clock& clock) : clock_(clock) {}

  void add_sink(std::weak_ptr<LogSink> sink);
  // Idle CPU shown in formatted lines; the daemon updates it.
  void set_idle_cpu(double percent) { idle_cpu_ = percent; }
  void log(int level, std::string_view file, std::string_view function, int line,
           std::string_view message, std::string_view user_data = {});
  // Hands a line received from a gateway's upstream to the sinks as it came (`line.formatted`
  // is the upstream's text, `line.frame` is built here from its fields).
  void publish_upstream(LogLine line);
  const Clock& clock() const { return clock_; }

 private:
  const Clock& clock_;
  std::mutex mutex_;
  std::vector<std::weak_ptr<LogSink>> sinks_;
  std::atomic<double> idle_cpu_{100.0};
};

}  // namespace es::core

// Convenience: ES_LOG(bus, es::core::LogLevel::kInfo, "text {}", x)
#define ES_LOG(bus, lvl, ...) \
  (bus).log(static_cast<int>(lvl), __FILE__, __func__, __LINE__, ::fmt::format(__VA_ARGS__))
