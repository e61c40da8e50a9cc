// The interfaces a module registers besides API commands (applications, endpoints, dialplans,
// codecs, ...), as FreeSWITCH lists them in its "interfaces" table for show and help.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace es::core {

struct InterfaceEntry {
  std::string type;  // "application", "endpoint", "dialplan", "codec", "file", "timer", ...
  std::string name;
  std::string description;
  std::string syntax;
  std::string module;    // ikey, e.g. "mod_dptools"
  std::string filename;  // module file; empty for built-in modules
};

class InterfaceTable {
 public:
  // Replaces an entry of the same type and name.
  void add(InterfaceEntry entry);
  // Ordered by type, then name (byte order, as the SQL "order by type,name").
  std::vector<InterfaceEntry> list() const;

 private:
  mutable std::mutex mutex_;
  std::vector<InterfaceEntry> entries_;
};

}  // namespace es::core
