#include "eventsocket/event_filter.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>

namespace es::eventsocket {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

struct EventFilters::Filter {
  std::string header;
  std::string value;      // as given by the client
  std::string comparand;  // value without its polarity prefix
  bool negative = false;
  pcre2_code* regex = nullptr;  // set when the value starts with '/' and compiles
  pcre2_match_data* match = nullptr;

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

  ~Filter() {
    if (match) pcre2_match_data_free(match);
    if (regex) pcre2_code_free(regex);
  }

  void compile_regex() {
    std::string_view pattern = comparand;
    std::uint32_t options = 0;
    if (!pattern.empty() && pattern.front() == '/') {
      pattern.remove_prefix(1);
      auto close = pattern.rfind('/');
      if (close != std::string_view::npos) {
        for (char flag : pattern.substr(close + 1)) {
          if (flag == 'i') options |= PCRE2_CASELESS;
          if (flag == 's') options |= PCRE2_DOTALL;
        }
        pattern = pattern.substr(0, close);
      }
    }
    int error = 0;
    PCRE2_SIZE offset = 0;
    regex = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), options,
                          &error, &offset, nullptr);
    if (regex) match = pcre2_match_data_create_from_pattern(regex, nullptr);
  }

  bool matches(const std::string& header_value) const {
    if (!value.empty() && value.front() == '/') {
      if (!regex) return false;  // an invalid pattern never matches
      int rc = pcre2_match(regex, reinterpret_cast<PCRE2_SPTR>(header_value.data()),
                           header_value.size(), 0, 0, match, nullptr);
      return rc >= 0;
    }
    return iequals(header_value, comparand);
  }
};

EventFilters::EventFilters() = default;
EventFilters::~EventFilters() = default;
EventFilters::EventFilters(EventFilters&&) noexcept = default;
EventFilters& EventFilters::operator=(EventFilters&&) noexcept = default;

void EventFilters::add(std::string_view header, std::string_view value) {
  filters_.push_back(std::make_unique<Filter>(header, value));
}

void EventFilters::remove(std::string_view header, std::string_view value) {
  std::erase_if(filters_, [&](const std::unique_ptr<Filter>& f) {
    return iequals(f->header, header) && (value.empty() || f->value == value);
  });
}

void EventFilters::clear() {
  filters_.clear();
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
