// A listener's header filters (docs/wire-protocol.md §6.3): kept in insertion order, duplicates
// allowed, values starting with '/' compared as PCRE2 regular expressions ("/pattern/flags").
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.hpp"

namespace es::eventsocket {

class EventFilters {
 public:
  EventFilters();
  ~EventFilters();
  EventFilters(EventFilters&&) noexcept;
  EventFilters& operator=(EventFilters&&) noexcept;

  void add(std::string_view header, std::string_view value);
  // Removes filters of that header, or only those with exactly that value.
  void remove(std::string_view header, std::string_view value = {});
  void clear();
  bool empty() const { return filters_.empty(); }
  std::size_t size() const { return filters_.size(); }
  // Whether any filter is a regular expression (costly enough to be checked before delivery,
  // outside the event bus's dispatch lock).
  bool has_regex() const;
  // Changes with every add, remove and clear: tells whether a verdict taken earlier still holds.
  std::uint64_t generation() const { return generation_; }

  // True when the event passes: at least one positive filter matches and no negative filter
  // matches later; with only negative filters nothing passes (FreeSWITCH's rule).
  bool passes(const core::Event& event) const;

  struct Filter;

 private:
  std::vector<std::unique_ptr<Filter>> filters_;
  std::uint64_t generation_ = 0;
};

}  // namespace es::eventsocket
