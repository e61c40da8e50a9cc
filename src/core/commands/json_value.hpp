// A small JSON document model that parses and prints the way cJSON 1.7 (FreeSWITCH's JSON
// library) does: members keep their order, lookups ignore case, numbers are doubles.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace es::core::commands {

class JsonValue {
 public:
  enum class Type { kNull, kFalse, kTrue, kNumber, kString, kArray, kObject };

  JsonValue() = default;
  static JsonValue null() { return JsonValue(); }
  static JsonValue boolean(bool value);
  static JsonValue number(double value);
  static JsonValue string(std::string value);
  static JsonValue array();
  static JsonValue object();

  // cJSON_Parse: leading whitespace skipped, text after the first value ignored.
  static std::optional<JsonValue> parse(std::string_view text);

  Type type() const { return type_; }
  bool is_string() const { return type_ == Type::kString; }
  const std::string& as_string() const { return string_; }
  double as_number() const { return number_; }

  // Objects: first member of that name, case-insensitively (cJSON_GetObjectItem).
  const JsonValue* member(std::string_view name) const;
  void add_member(std::string name, JsonValue value);  // appends, duplicates allowed
  void push(JsonValue value);                          // arrays

  std::string print_unformatted() const;
  std::string print_formatted() const;  // cJSON_Print: tabs and newlines

 private:
  void print(std::string& out, bool formatted, std::size_t depth) const;

  Type type_ = Type::kNull;
  double number_ = 0;
  std::string string_;
  std::vector<JsonValue> items_;
  std::vector<std::pair<std::string, JsonValue>> members_;
};

}  // namespace es::core::commands
