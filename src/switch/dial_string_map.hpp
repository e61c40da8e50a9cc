// Production dial strings mapped onto test endpoints, so an application under test keeps the
// dial strings it uses in production (`sofia/gateway/carrier/1000` reaching `sim/...`). Not in
// FreeSWITCH. Configured in switch.conf (docs/ci-service.md, "Dial strings of production"):
//
//   <configuration name="switch.conf">
//     <dial-string-map>
//       <map from="sofia/gateway/carrier/*" to="sim/answer-after=500/*"/>
//     </dial-string-map>
//   </configuration>
//
// Each leg of an originate (its text without [] variables) is compared with the rules in
// order; the first that matches replaces it. `from` matches the whole leg, or with a trailing
// `*` any leg that starts with what precedes it; a `*` in `to` stands for what the `*` of
// `from` matched.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/xml_config.hpp"

namespace es::sw {

class DialStringMap {
 public:
  // Rules beyond this are ignored (logged by the loader): the map is walked for every leg.
  static constexpr std::size_t kMaxRules = 256;

  struct Rule {
    std::string from;
    std::string to;
  };

  // The rules of switch.conf's <dial-string-map>; `ignored` counts rules refused (no from or
  // to, or over kMaxRules).
  static DialStringMap from_config(const core::XmlConfig& xml, std::size_t* ignored = nullptr);

  // False when the map already holds kMaxRules rules or `from` is empty.
  bool add(std::string from, std::string to);
  // The replacement for `leg`, or nullopt when no rule matches.
  std::optional<std::string> map(std::string_view leg) const;
  bool empty() const { return rules_.empty(); }
  const std::vector<Rule>& rules() const { return rules_; }

 private:
  std::vector<Rule> rules_;
};

}  // namespace es::sw
