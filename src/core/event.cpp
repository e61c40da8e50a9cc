#include "core/event.hpp"

#include <algorithm>

#include "core/text/text.hpp"

namespace es::core {
namespace {

constexpr std::string_view kArrayPrefix = "ARRAY::";
constexpr std::string_view kArraySeparator = "|:";
constexpr std::string_view kSubclassHeader = "Event-Subclass";
constexpr int kMaxArrayIndex = 4000;

// The string form FreeSWITCH keeps for an array header.
void redraw_array_value(EventHeader& header) {
  header.value.clear();
  if (header.array.size() > 1) header.value.append(kArrayPrefix);
  for (std::size_t i = 0; i < header.array.size(); ++i) {
    if (i > 0) header.value.append(kArraySeparator);
    header.value.append(header.array[i]);
  }
}

bool is_unique_headers_type(EventType type) {
  return type == EventType::kRequestParams || type == EventType::kChannelData ||
         type == EventType::kMessage;
}

}  // namespace

Event::Event(EventType type, std::string_view subclass)
    : type_(type == EventType::kClone ? EventType::kCustom : type),
      unique_headers_(is_unique_headers_type(type)) {
  // Room for the standard headers and a few more at once, instead of growing by doubling
  // (five reallocations, each moving every header, for a typical event).
  headers_.reserve(kReservedHeaders);
  if (!subclass.empty() && (type == EventType::kCustom || type == EventType::kClone)) {
    subclass_.assign(subclass);
    add_header(kSubclassHeader, subclass);
  }
}

void Event::set_type(EventType type) {
  type_ = type;
}

void Event::set_subclass(std::string_view subclass) {
  subclass_.assign(subclass);
  del_header(kSubclassHeader);
  add_header(kSubclassHeader, subclass);
}

const std::string& Event::body() const {
  static const std::string kNoBody;
  return body_ ? *body_ : kNoBody;
}

EventHeader* Event::find(std::string_view name) {
  for (auto& header : headers_) {
    if (header_name_equals(header.name, name)) return &header;
  }
  return nullptr;
}

const std::string* Event::header(std::string_view name) const {
  for (const auto& header : headers_) {
    if (header_name_equals(header.name, name)) return &header.value;
  }
  return nullptr;
}

void Event::del_header(std::string_view name, std::optional<std::string_view> value) {
  const bool any_value = !value || value->empty();
  std::erase_if(headers_, [&](const EventHeader& header) {
    return header_name_equals(header.name, name) && (any_value || header.value == *value);
  });
}

void Event::add_header(std::string_view name, std::string_view value) {
  add(Stack::kBottom, name, value);
}
void Event::add_header_front(std::string_view name, std::string_view value) {
  add(Stack::kTop, name, value);
}
void Event::push_header(std::string_view name, std::string_view value) {
  add(Stack::kPush, name, value);
}
void Event::unshift_header(std::string_view name, std::string_view value) {
  add(Stack::kUnshift, name, value);
}

void Event::add(Stack stack, std::string_view name, std::string_view value) {
  if (name == "_body") body_.emplace(value);

  const std::size_t bracket = name.find('[');
  const bool indexed = bracket != std::string_view::npos;
  long long index = 0;
  if (indexed) {
    index = text::c_atol(name.substr(bracket + 1));  // atoi; huge values saturate out of range
    name = name.substr(0, bracket);
  }
  const bool stacking = stack == Stack::kPush || stack == Stack::kUnshift;

  if (indexed) {
    if (index < 0 || index > kMaxArrayIndex) return;
    EventHeader* existing = find(name);
    if (existing && static_cast<std::size_t>(index) < existing->array.size()) {
      // FreeSWITCH replaces the element but leaves the string form as it was.
      existing->array[index].assign(value);
      return;
    }
    EventHeader created;
    EventHeader& target = existing ? *existing : created;
    // A plain header's value is not an element: FreeSWITCH starts from an empty array.
    target.array.resize(static_cast<std::size_t>(index) + 1);
    target.array[index].assign(value);
    redraw_array_value(target);
    if (!existing) {
      if (unique_headers_) del_header(name);
      created.name.assign(name);
      headers_.push_back(std::move(created));
    }
    return;
  }

  if (stacking) {
    if (EventHeader* existing = find(name)) {
      if (!existing->is_array()) existing->array.push_back(std::move(existing->value));
      if (stack == Stack::kPush) {
        existing->array.emplace_back(value);
      } else {
        existing->array.emplace(existing->array.begin(), value);
      }
      redraw_array_value(*existing);
      return;
    }
  }

  if (value.empty()) {
    del_header(name);
    return;
  }
  if (unique_headers_) del_header(name);
  if (value.starts_with(kArrayPrefix)) {
    add_array(name, value);
    return;
  }

  EventHeader header{std::string(name), std::string(value), {}};
  if (stacking) header.array.emplace_back(value);
  if (stack == Stack::kTop) {
    headers_.insert(headers_.begin(), std::move(header));
  } else {
    headers_.push_back(std::move(header));
  }
}

void Event::add_array(std::string_view name, std::string_view value) {
  if (value.size() <= kArrayPrefix.size()) return;  // "ARRAY::" alone adds nothing
  std::string_view rest = value.substr(kArrayPrefix.size());
  while (true) {
    const std::size_t separator = rest.find(kArraySeparator);
    push_header(name, rest.substr(0, separator));
    if (separator == std::string_view::npos) break;
    rest.remove_prefix(separator + kArraySeparator.size());
  }
}

bool Event::listener_copy_reorders() const {
  if (std::any_of(headers_.begin(), headers_.end(), [](const auto& h) { return h.is_array(); })) {
    return true;
  }
  return !subclass_.empty() && (headers_.empty() || headers_.front().name != kSubclassHeader);
}

void Event::move_subclass_header_first() {
  const bool has_array =
      std::any_of(headers_.begin(), headers_.end(), [](const auto& h) { return h.is_array(); });
  if (subclass_.empty() && !has_array) return;

  if (!has_array) {
    std::erase_if(headers_, [](const EventHeader& h) { return h.name == kSubclassHeader; });
    headers_.insert(headers_.begin(), EventHeader{std::string(kSubclassHeader), subclass_, {}});
    return;
  }

  // Rebuild as FreeSWITCH's copy does: array elements are pushed (merging into the first
  // header of that name), everything else appended in order.
  std::vector<EventHeader> original = std::move(headers_);
  headers_.clear();
  std::optional<std::string> body = std::move(body_);
  if (!subclass_.empty()) add(Stack::kBottom, kSubclassHeader, subclass_);
  for (auto& header : original) {
    if (!subclass_.empty() && header.name == kSubclassHeader) continue;
    if (header.is_array()) {
      for (const auto& element : header.array) add(Stack::kPush, header.name, element);
    } else {
      add(Stack::kBottom, header.name, header.value);
    }
  }
  body_ = std::move(body);
}

}  // namespace es::core
