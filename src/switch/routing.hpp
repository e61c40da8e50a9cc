// CS_ROUTING's dialplan step: the profile's dialplan list tried in order
// (docs/call-behaviour.md §9.1).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "switch/dialplan/extension.hpp"
#include "switch/dialplan/routing_channel.hpp"

namespace es::sw {

class Session;

struct RoutingOutcome {
  std::optional<Extension> extension;
  bool any_dialplan = false;  // at least one listed dialplan name was known
};

RoutingOutcome hunt_dialplans(Session& session);

// The dialplans' view of a session. A hunt for another extension (execute_extension) sees the
// caller profile with its own destination, dialplan and context instead of the session's.
class SessionRouting final : public RoutingChannel {
 public:
  struct HuntTarget {
    std::string destination;
    std::string dialplan;
    std::string context;
  };
  explicit SessionRouting(Session& session, std::optional<HuntTarget> target = std::nullopt)
      : session_(session), target_(std::move(target)) {}

  std::string profile_field(std::string_view name) const override;
  std::string expand(std::string_view text) override;
  std::optional<std::string> variable(std::string_view name) const override;
  void set_variable(std::string_view name, std::string_view value) override;
  void unset_variables_with_prefix(std::string_view prefix) override;
  std::int64_t now_epoch_us() const override;
  bool execute_inline(std::string_view application, std::string_view data) override;
  void log(int level, std::string_view text) override;

 private:
  Session& session_;
  std::optional<HuntTarget> target_;
};

}  // namespace es::sw
