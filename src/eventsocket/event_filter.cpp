#include "eventsocket/event_filter.hpp"

#include <algorithm>
#include <optional>

#include "core/regex.hpp"
#include "protocol/ascii.hpp"

namespace es::eventsocket {
struct EventFilters::Filter {
  std::string header;
  std::string value;      // as given by the client
  std::string comparand;  // value without its polarity prefix
  bool negative = false;
  std::optional<core::Regex> regex;  // set when the value starts with '/'

  Filter(std::string_view h, std::string_view v) : header(h), value(v) {
    std::size_t i = 0;
    // Any mix of '+', '-' and spaces; the last sign seen wins.
    for (; i < value.size(); ++i) {
      char c = value[i];
      if (c == '+') {
        negative = false;
      } else if (c == '-') {
        negative = true;
      } else if (c != ' ') {
        break;
      }
    }
    comparand = value.substr(i);
    if (!value.empty() && value.front() == '/') compile_regex();
  }

  void compile_regex() {
    std::string_view pattern = comparand;
    std::uint32_t flags = core::Regex::kNone;
    if (!pattern.empty() && pattern.front() == '/') {
      pattern.remove_prefix(1);
      auto close = pattern.rfind('/');
      if (close != std::string_view::npos) {
        for (char flag : pattern.substr(close + 1)) {
          if (flag == 'i') flags |= core::Regex::kCaseless;
          if (flag == 's') flags |= core::Regex::kDotAll;
        }
        pattern = pattern.substr(0, close);
      }
    }
    regex.emplace(pattern, flags);
  }

  bool matches(const std::string& header_value) const {
    // An invalid pattern never matches; nor does one that reaches the core's match limits.
    if (regex) return regex->matches(header_value);
    return protocol::iequals(header_value, comparand);
  }
};

EventFilters::EventFilters() = default;
EventFilters::~EventFilters() = default;
EventFilters::EventFilters(EventFilters&&) noexcept = default;
EventFilters& EventFilters::operator=(EventFilters&&) noexcept = default;

void EventFilters::add(std::string_view header, std::string_view value) {
  filters_.push_back(std::make_unique<Filter>(header, value));
  ++generation_;
}

void EventFilters::remove(std::string_view header, std::string_view value) {
  ++generation_;
  std::erase_if(filters_, [&](const std::unique_ptr<Filter>& f) {
    return protocol::iequals(f->header, header) && (value.empty() || f->value == value);
  });
}

void EventFilters::clear() {
  filters_.clear();
  ++generation_;
}

bool EventFilters::has_regex() const {
  return std::any_of(filters_.begin(), filters_.end(),
                     [](const std::unique_ptr<Filter>& f) { return f->regex.has_value(); });
}

bool EventFilters::passes(const core::Event& event) const {
  bool passing = false;
  for (const auto& filter : filters_) {
    const std::string* header_value = event.header(filter->header);
    if (!header_value) continue;
    if (passing && !filter->negative) continue;
    if (filter->matches(*header_value)) {
      if (filter->negative) return false;
      passing = true;
    }
  }
  return passing;
}

}  // namespace es::eventsocket
