// The result of a dialplan hunt: an ordered list of applications to run (FreeSWITCH's
// caller extension).
#pragma once

#include <string>
#include <vector>

namespace es::sw {

struct DialplanAction {
  std::string application;
  std::string data;
};

struct Extension {
  std::string name;
  std::string number;
  std::vector<DialplanAction> actions;
};

}  // namespace es::sw
