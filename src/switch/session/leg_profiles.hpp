// The caller profiles a leg shows (docs/call-behaviour.md §6.4, docs/event-formats.md §5.2): its
// own, and the other leg's (originator or originatee) once the two are connected. Not synchronised:
// the owning Session locks around it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/event.hpp"
#include "switch/session/caller_profile.hpp"

namespace es::sw {

class LegProfiles {
 public:
  explicit LegProfiles(CallerProfile own) : own_(std::move(own)) {}

  CallerProfile& own() { return own_; }
  const CallerProfile& own() const { return own_; }
  void set_other(std::string_view type, const CallerProfile& profile);
  const std::optional<CallerProfile>& other() const { return other_; }
  const std::string& other_type() const { return other_type_; }

  // A profile field as ${} sees it: aleg_<field> is the originator's, bleg_<field> the
  // originatee's (this leg's own when it is that one; `outbound` says which it is); a plain
  // <field> is this leg's, unless empty. nullopt when there is no such field or leg.
  std::optional<std::string> field(std::string_view name, bool outbound) const;
  // Caller-* headers, then Other-Type and Other-Leg-* when there is another leg.
  void add_event_headers(core::Event& event) const;

 private:
  CallerProfile own_;
  std::string other_type_;  // "originator" or "originatee"
  std::optional<CallerProfile> other_;
};

}  // namespace es::sw
