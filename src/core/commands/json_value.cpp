#include "core/commands/json_value.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "protocol/ascii.hpp"
#include "protocol/escape.hpp"

namespace es::core::commands {
namespace {

constexpr int kMaxNesting = 1000;  // cJSON's CJSON_NESTING_LIMIT

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  std::optional<JsonValue> value(int depth) {
    skip_whitespace();
    if (depth > kMaxNesting || at_end()) return std::nullopt;
    if (text_.substr(pos_, 4) == "null") return pos_ += 4, JsonValue::null();
    if (text_.substr(pos_, 5) == "false") return pos_ += 5, JsonValue::boolean(false);
    if (text_.substr(pos_, 4) == "true") return pos_ += 4, JsonValue::boolean(true);
    char c = text_[pos_];
    if (c == '"') {
      auto text = string();
      if (!text) return std::nullopt;
      return JsonValue::string(std::move(*text));
    }
    if (c == '-' || (c >= '0' && c <= '9')) return number();
    if (c == '[') return array(depth);
    if (c == '{') return object(depth);
    return std::nullopt;
  }

 private:
  bool at_end() const { return pos_ >= text_.size(); }
  void skip_whitespace() {
    while (!at_end() && static_cast<unsigned char>(text_[pos_]) <= 32) ++pos_;
  }

  std::optional<JsonValue> number() {
    std::size_t end = pos_;
    while (end < text_.size()) {
      char c = text_[end];
      if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == 'e' || c == 'E' || c == '.') {
        ++end;
      } else {
        break;
      }
    }
    std::string digits(text_.substr(pos_, end - pos_));
    char* stop = nullptr;
    double value = std::strtod(digits.c_str(), &stop);
    if (stop == digits.c_str()) return std::nullopt;
    pos_ += static_cast<std::size_t>(stop - digits.c_str());
    return JsonValue::number(value);
  }

  // cJSON's rules: a lone surrogate makes the document invalid.
  std::optional<std::string> string() {
    return protocol::json_unescape(text_, pos_, protocol::LoneSurrogate::kReject);
  }

  std::optional<JsonValue> array(int depth) {
    ++pos_;
    JsonValue out = JsonValue::array();
    skip_whitespace();
    if (!at_end() && text_[pos_] == ']') return ++pos_, out;
    while (true) {
      auto item = value(depth + 1);
      if (!item) return std::nullopt;
      out.push(std::move(*item));
      skip_whitespace();
      if (at_end()) return std::nullopt;
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (text_[pos_] == ']') return ++pos_, out;
      return std::nullopt;
    }
  }

  std::optional<JsonValue> object(int depth) {
    ++pos_;
    JsonValue out = JsonValue::object();
    skip_whitespace();
    if (!at_end() && text_[pos_] == '}') return ++pos_, out;
    while (true) {
      skip_whitespace();
      if (at_end() || text_[pos_] != '"') return std::nullopt;
      auto name = string();
      if (!name) return std::nullopt;
      skip_whitespace();
      if (at_end() || text_[pos_] != ':') return std::nullopt;
      ++pos_;
      auto item = value(depth + 1);
      if (!item) return std::nullopt;
      out.add_member(std::move(*name), std::move(*item));
      skip_whitespace();
      if (at_end()) return std::nullopt;
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (text_[pos_] == '}') return ++pos_, out;
      return std::nullopt;
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

// cJSON's print_number: %1.15g unless that loses precision, then %1.17g; NaN/inf -> null.
std::string format_number(double value) {
  if (std::isnan(value) || std::isinf(value)) return "null";
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%1.15g", value);
  if (std::strtod(buffer, nullptr) != value) std::snprintf(buffer, sizeof(buffer), "%1.17g", value);
  return buffer;
}

void append_quoted(std::string& out, std::string_view text) {
  out += '"';
  protocol::json_escape_append(out, text);
  out += '"';
}

}  // namespace

JsonValue JsonValue::boolean(bool value) {
  JsonValue out;
  out.type_ = value ? Type::kTrue : Type::kFalse;
  return out;
}

JsonValue JsonValue::number(double value) {
  JsonValue out;
  out.type_ = Type::kNumber;
  out.number_ = value;
  return out;
}

JsonValue JsonValue::string(std::string value) {
  JsonValue out;
  out.type_ = Type::kString;
  out.string_ = std::move(value);
  return out;
}

JsonValue JsonValue::array() {
  JsonValue out;
  out.type_ = Type::kArray;
  return out;
}

JsonValue JsonValue::object() {
  JsonValue out;
  out.type_ = Type::kObject;
  return out;
}

std::optional<JsonValue> JsonValue::parse(std::string_view text) {
  text = text.substr(0, text.find('\0'));
  return Parser(text).value(0);
}

const JsonValue* JsonValue::member(std::string_view name) const {
  for (const auto& [key, value] : members_) {
    if (protocol::iequals(key, name)) return &value;
  }
  return nullptr;
}

void JsonValue::add_member(std::string name, JsonValue value) {
  members_.emplace_back(std::move(name), std::move(value));
}

void JsonValue::push(JsonValue value) {
  items_.push_back(std::move(value));
}

std::string JsonValue::print_unformatted() const {
  std::string out;
  print(out, false, 0);
  return out;
}

std::string JsonValue::print_formatted() const {
  std::string out;
  print(out, true, 0);
  return out;
}

void JsonValue::print(std::string& out, bool formatted, std::size_t depth) const {
  switch (type_) {
    case Type::kNull:
      out += "null";
      break;
    case Type::kFalse:
      out += "false";
      break;
    case Type::kTrue:
      out += "true";
      break;
    case Type::kNumber:
      out += format_number(number_);
      break;
    case Type::kString:
      append_quoted(out, string_);
      break;
    case Type::kArray:
      out += '[';
      for (std::size_t i = 0; i < items_.size(); ++i) {
        if (i) out += formatted ? ", " : ",";
        items_[i].print(out, formatted, depth + 1);
      }
      out += ']';
      break;
    case Type::kObject:
      out += '{';
      if (formatted) out += '\n';
      for (std::size_t i = 0; i < members_.size(); ++i) {
        if (formatted) out.append(depth + 1, '\t');
        append_quoted(out, members_[i].first);
        out += formatted ? ":\t" : ":";
        members_[i].second.print(out, formatted, depth + 1);
        if (i + 1 < members_.size()) out += ',';
        if (formatted) out += '\n';
      }
      if (formatted) out.append(depth, '\t');
      out += '}';
      break;
  }
}

}  // namespace es::core::commands
