#include "switch/session/leg_profiles.hpp"

namespace es::sw {

void LegProfiles::set_other(std::string_view type, const CallerProfile& profile) {
  other_type_ = std::string(type);
  other_ = profile;
}

std::optional<std::string> LegProfiles::field(std::string_view name, bool outbound) const {
  auto prefixed = [&](std::string_view prefix) {
    return name.size() > prefix.size() &&
           core::header_name_equals(name.substr(0, prefix.size()), prefix);
  };
  std::optional<std::string> found;
  if (prefixed("aleg_") || prefixed("bleg_")) {
    bool aleg = prefixed("aleg_");
    if (other_ &&
        ((aleg && other_type_ == "originator") || (!aleg && other_type_ == "originatee"))) {
      found = other_->field(name.substr(5));
    } else if ((aleg && !outbound) || (!aleg && outbound)) {
      found = own_.field(name.substr(5));
    }
  } else {
    found = own_.field(name);
    if (found && found->empty()) found.reset();
  }
  return found;
}

void LegProfiles::add_event_headers(core::Event& event) const {
  own_.add_event_headers("Caller", event);
  if (other_) {
    event.add_header("Other-Type", other_type_);
    other_->add_event_headers("Other-Leg", event);
  }
}

}  // namespace es::sw
