// The JSON httpivr reads from webhooks (a whole document: arrays of verb objects holding
// strings, numbers, booleans and nested objects) and writes to them. The client library's
// reader only knows flat event objects, so this one is a full, bounded recursive-descent reader.
// Webhooks are untrusted peers: nesting and size are capped before anything is built.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace es::apps::httpivr {

// Deeper documents are refused: the reader recurses once per level.
inline constexpr int kMaxJsonDepth = 32;

class JsonValue {
 public:
  using Array = std::vector<JsonValue>;
  using Object = std::map<std::string, JsonValue, std::less<>>;

  JsonValue() = default;
  explicit JsonValue(bool b) : value_(b) {}
  explicit JsonValue(double n) : value_(n) {}
  explicit JsonValue(std::string s) : value_(std::move(s)) {}
  explicit JsonValue(Array a) : value_(std::move(a)) {}
  explicit JsonValue(Object o) : value_(std::move(o)) {}

  bool is_null() const { return std::holds_alternative<std::monostate>(value_); }
  const bool* as_bool() const { return std::get_if<bool>(&value_); }
  const double* as_number() const { return std::get_if<double>(&value_); }
  const std::string* as_string() const { return std::get_if<std::string>(&value_); }
  const Array* as_array() const { return std::get_if<Array>(&value_); }
  const Object* as_object() const { return std::get_if<Object>(&value_); }

  // Member `name` of an object; null for a missing member or a value that is not an object.
  const JsonValue* member(std::string_view name) const;
  // Member as text: strings as they are, numbers in their shortest integer or decimal form,
  // booleans as true/false; nullopt for anything else or a missing member.
  std::optional<std::string> text(std::string_view name) const;
  // Member as a number (a numeric string counts too); nullopt when absent or not a number.
  std::optional<double> number(std::string_view name) const;

 private:
  std::variant<std::monostate, bool, double, std::string, Array, Object> value_;
};

// Parses one JSON document (whitespace around it allowed). nullopt for any syntax error,
// nesting past kMaxJsonDepth, or trailing bytes. Never throws on bad input.
std::optional<JsonValue> parse_json(std::string_view text);

// Writes a compact JSON object of the given string-valued members, in order.
class JsonObjectWriter {
 public:
  JsonObjectWriter& add(std::string_view name, std::string_view value);
  JsonObjectWriter& add_number(std::string_view name, long long value);
  // `raw` must already be valid JSON (a nested object from another writer).
  JsonObjectWriter& add_raw(std::string_view name, std::string_view raw);
  std::string finish() const { return text_ + "}"; }

 private:
  void key(std::string_view name);
  std::string text_ = "{";
};

}  // namespace es::apps::httpivr
