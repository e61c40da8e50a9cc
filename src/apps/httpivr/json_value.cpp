// Recursive-descent JSON reader with a depth bound, and the small writer for request bodies.
#include "apps/httpivr/json_value.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "protocol/escape.hpp"
#include "protocol/json_cursor.hpp"

namespace es::apps::httpivr {
namespace {

class Reader : protocol::JsonCursor {
 public:
  explicit Reader(std::string_view text) : JsonCursor(text) {}

  // Results go through out-parameters rather than optional<JsonValue>: GCC 12 misreads moves
  // of an optional holding this recursive variant as uses of uninitialized memory.
  bool document(JsonValue& out) {
    if (!read_value(0, out)) return false;
    skip_space();
    return pos_ == text_.size();
  }

 private:
  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  bool read_value(int depth, JsonValue& out) {
    skip_space();
    switch (peek()) {
      case '{':
        return read_object(depth + 1, out);
      case '[':
        return read_array(depth + 1, out);
      case '"': {
        auto s = read_string();
        if (!s) return false;
        out = JsonValue(std::move(*s));
        return true;
      }
      case 't':
        out = JsonValue(true);
        return literal("true");
      case 'f':
        out = JsonValue(false);
        return literal("false");
      case 'n':
        out = JsonValue();
        return literal("null");
      default:
        return read_number(out);
    }
  }

  std::optional<std::string> read_string() {
    // Webhook text goes into channel variables and file names: a lone surrogate is refused
    // rather than written as an invalid UTF-8 sequence.
    return protocol::json_unescape(text_, pos_, protocol::LoneSurrogate::kReject);
  }

  bool read_number(JsonValue& out) {
    std::size_t start = pos_;
    while (!at_end()) {
      char c = text_[pos_];
      if ((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
        ++pos_;
      } else {
        break;
      }
    }
    if (pos_ == start) return false;
    double value = 0;
    const char* first = text_.data() + start;
    const char* last = text_.data() + pos_;
    auto [end, error] = std::from_chars(first, last, value);
    if (error != std::errc() || end != last || !std::isfinite(value)) return false;
    out = JsonValue(value);
    return true;
  }

  bool read_array(int depth, JsonValue& out) {
    if (depth > kMaxJsonDepth) return false;
    ++pos_;
    JsonValue::Array items;
    skip_space();
    if (!consume(']')) {
      while (true) {
        items.emplace_back();
        if (!read_value(depth, items.back())) return false;
        skip_space();
        if (consume(',')) continue;
        if (consume(']')) break;
        return false;
      }
    }
    out = JsonValue(std::move(items));
    return true;
  }

  bool read_object(int depth, JsonValue& out) {
    if (depth > kMaxJsonDepth) return false;
    ++pos_;
    JsonValue::Object members;
    skip_space();
    if (!consume('}')) {
      while (true) {
        skip_space();
        auto name = read_string();
        if (!name) return false;
        skip_space();
        if (!consume(':')) return false;
        JsonValue value;
        if (!read_value(depth, value)) return false;
        members.insert_or_assign(std::move(*name), std::move(value));
        skip_space();
        if (consume(',')) continue;
        if (consume('}')) break;
        return false;
      }
    }
    out = JsonValue(std::move(members));
    return true;
  }
};

}  // namespace

const JsonValue* JsonValue::member(std::string_view name) const {
  const Object* object = as_object();
  if (object == nullptr) return nullptr;
  auto it = object->find(name);
  return it == object->end() ? nullptr : &it->second;
}

std::optional<std::string> JsonValue::text(std::string_view name) const {
  const JsonValue* value = member(name);
  if (value == nullptr) return std::nullopt;
  if (const std::string* s = value->as_string()) return *s;
  if (const bool* b = value->as_bool()) return *b ? "true" : "false";
  if (const double* n = value->as_number()) {
    if (std::trunc(*n) == *n && std::fabs(*n) < 1e15) {
      return std::to_string(static_cast<long long>(*n));
    }
    return std::to_string(*n);
  }
  return std::nullopt;
}

std::optional<double> JsonValue::number(std::string_view name) const {
  const JsonValue* value = member(name);
  if (value == nullptr) return std::nullopt;
  if (const double* n = value->as_number()) return *n;
  if (const std::string* s = value->as_string()) {
    double parsed = 0;
    auto [end, error] = std::from_chars(s->data(), s->data() + s->size(), parsed);
    if (error == std::errc() && end == s->data() + s->size() && std::isfinite(parsed)) {
      return parsed;
    }
  }
  return std::nullopt;
}

std::optional<JsonValue> parse_json(std::string_view text) {
  auto value = std::make_optional<JsonValue>();
  if (!Reader(text).document(*value)) value.reset();
  return value;
}

void JsonObjectWriter::key(std::string_view name) {
  if (text_.size() > 1) text_ += ',';
  protocol::json_string_append(text_, name);
  text_ += ':';
}

JsonObjectWriter& JsonObjectWriter::add(std::string_view name, std::string_view value) {
  key(name);
  protocol::json_string_append(text_, value);
  return *this;
}

JsonObjectWriter& JsonObjectWriter::add_number(std::string_view name, long long value) {
  key(name);
  text_ += std::to_string(value);
  return *this;
}

JsonObjectWriter& JsonObjectWriter::add_raw(std::string_view name, std::string_view raw) {
  key(name);
  text_ += raw;
  return *this;
}

}  // namespace es::apps::httpivr
