// What a dialplan reads from and does to the channel it routes. The session core implements
// it; tests use a fake. Keeping the dialplans behind this interface lets them be built and
// tested without channels.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace es::sw {

class RoutingChannel {
 public:
  virtual ~RoutingChannel() = default;
  // Caller-profile field by name (docs/call-behaviour.md §6.4); "" when unknown or empty.
  virtual std::string profile_field(std::string_view name) const = 0;
  // ${...} expansion in the channel's context.
  virtual std::string expand(std::string_view text) = 0;
  virtual std::optional<std::string> variable(std::string_view name) const = 0;
  // An empty value unsets the variable.
  virtual void set_variable(std::string_view name, std::string_view value) = 0;
  // Unsets every variable whose name starts with `prefix` (DP_REGEX_MATCH_* before a
  // regex="..." condition).
  virtual void unset_variables_with_prefix(std::string_view prefix) = 0;
  // The switch clock, microseconds since the epoch.
  virtual std::int64_t now_epoch_us() const = 0;
  // Runs an inline="true" action during routing; false when the application may not run
  // inline (the hunt then logs and goes on).
  virtual bool execute_inline(std::string_view application, std::string_view data) = 0;
  // FreeSWITCH log levels 0..7 (7 = debug).
  virtual void log(int level, std::string_view text) = 0;
};

// FreeSWITCH log levels used by the dialplans.
inline constexpr int kLogError = 3;
inline constexpr int kLogWarning = 4;
inline constexpr int kLogInfo = 6;
inline constexpr int kLogDebug = 7;

}  // namespace es::sw
