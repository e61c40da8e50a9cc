#include "core/interface_table.hpp"

#include <algorithm>

namespace es::core {

void InterfaceTable::add(InterfaceEntry entry) {
  std::lock_guard lock(mutex_);
  std::erase_if(entries_, [&](const InterfaceEntry& existing) {
    return existing.type == entry.type && existing.name == entry.name;
  });
  entries_.push_back(std::move(entry));
}

std::vector<InterfaceEntry> InterfaceTable::list() const {
  std::vector<InterfaceEntry> out;
  {
    std::lock_guard lock(mutex_);
    out = entries_;
  }
  std::sort(out.begin(), out.end(), [](const InterfaceEntry& a, const InterfaceEntry& b) {
    return a.type != b.type ? a.type < b.type : a.name < b.name;
  });
  return out;
}

}  // namespace es::core
