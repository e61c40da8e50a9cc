#include "core/event_serializer.hpp"

#include <algorithm>
#include <charconv>

#include "core/xml_writer.hpp"
#include "protocol/escape.hpp"

namespace es::core {
namespace {

// FreeSWITCH encodes each plain value into a scratch buffer that starts at this size and only
// grows to 3 * (sum of element lengths) + 1; an array's string form can overflow it and is
// then cut (see serialize_plain).
constexpr std::size_t kInitialEncodeBuffer = 1536;

void append_decimal(std::string& out, std::size_t value) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, result.ptr);
}

std::size_t encode_buffer_need(const EventHeader& header) {
  if (!header.is_array()) return header.value.size() * 3 + 1;
  std::size_t need = 0;
  for (const auto& element : header.array) need += element.size() * 3 + 1;
  return need;
}

void serialize_plain_lines(const Event& event, bool encode, std::string& out) {
  std::size_t encode_buffer = kInitialEncodeBuffer;
  for (const auto& header : event.headers()) {
    encode_buffer = std::max(encode_buffer, encode_buffer_need(header));
    const std::size_t capacity = encode_buffer - 1;  // room left after the terminating NUL
    out.append(header.name);
    out.append(": ");
    const std::size_t value_start = out.size();
    if (encode) {
      protocol::url_encode_append_limited(out, header.value, capacity);
    } else {
      out.push_back('[');
      out.append(header.value);
      out.push_back(']');
      if (out.size() - value_start > capacity) out.resize(value_start + capacity);
    }
    if (out.size() == value_start) out.append("_undef_");
    out.push_back('\n');
  }
}

void append_plain_body(const Event& event, std::string& out) {
  const std::string& body = event.body();
  if (body.empty()) {
    out.push_back('\n');
    return;
  }
  out.append("Content-Length: ");
  append_decimal(out, body.size());
  out.append("\n\n");
  out.append(body);
}

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  protocol::json_escape_append(out, text);
  out.push_back('"');
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// 2^53 - 1: the largest integer a double (every JavaScript number) holds exactly.
constexpr std::string_view kMaxExactInteger = "9007199254740991";
// Fifteen significant decimal digits always survive a trip through a double.
constexpr std::size_t kMaxFractionDigits = 15;

}  // namespace

void serialize_plain(const Event& event, std::string& out) {
  serialize_plain_lines(event, true, out);
  append_plain_body(event, out);
}

void serialize_plain_unencoded(const Event& event, std::string& out) {
  serialize_plain_lines(event, false, out);
  append_plain_body(event, out);
}

bool is_json_number_text(std::string_view value) {
  std::string_view digits = value;
  if (digits.starts_with('-')) digits.remove_prefix(1);
  const std::size_t dot = digits.find('.');
  std::string_view integer = digits.substr(0, dot);
  if (integer.empty() || !std::ranges::all_of(integer, is_digit)) return false;
  if (integer.size() > 1 && integer.front() == '0') return false;
  if (dot == std::string_view::npos) {
    if (value == "-0") return false;
    // Same length: decimal strings compare as their values.
    return integer.size() < kMaxExactInteger.size() ||
           (integer.size() == kMaxExactInteger.size() && integer <= kMaxExactInteger);
  }
  std::string_view fraction = digits.substr(dot + 1);
  if (fraction.empty() || !std::ranges::all_of(fraction, is_digit)) return false;
  if (fraction.back() == '0') return false;  // "1.50" would come back from a reader as 1.5
  if (integer.size() + fraction.size() > kMaxFractionDigits) return false;
  return true;
}

void serialize_json(const Event& event, std::string& out, JsonValues values) {
  const bool numbers = values == JsonValues::kNumbers;
  out.push_back('{');
  bool first = true;
  auto member_name = [&](std::string_view name) {
    if (!first) out.push_back(',');
    first = false;
    append_json_string(out, name);
    out.push_back(':');
  };
  for (const auto& header : event.headers()) {
    member_name(header.name);
    if (!header.is_array()) {
      if (numbers && is_json_number_text(header.value)) {
        out.append(header.value);
      } else {
        append_json_string(out, header.value);
      }
      continue;
    }
    out.push_back('[');
    for (std::size_t i = 0; i < header.array.size(); ++i) {
      if (i > 0) out.push_back(',');
      append_json_string(out, header.array[i]);
    }
    out.push_back(']');
  }
  if (event.has_body()) {
    member_name("Content-Length");
    if (!numbers) out.push_back('"');
    append_decimal(out, event.body().size());
    if (!numbers) out.push_back('"');
    member_name("_body");
    append_json_string(out, event.body());
  }
  out.push_back('}');
}

void serialize_xml(const Event& event, std::string& out) {
  XmlWriter xml(out);
  xml.open("event", 0);
  xml.open("headers", 1);
  for (const auto& header : event.headers()) {
    if (header.is_array()) {
      for (const auto& element : header.array) xml.url_encoded_element(header.name, element, 2);
    } else {
      xml.url_encoded_element(header.name, header.value, 2);
    }
  }
  xml.close("headers", 1);
  if (!event.body().empty()) {
    std::string length;
    append_decimal(length, event.body().size());
    xml.url_encoded_element("Content-Length", length, 1);
    xml.text_element("body", event.body(), 1);
  }
  xml.close("event", 0);
}

void serialize(const Event& event, protocol::EventFormat format, std::string& out) {
  switch (format) {
    case protocol::EventFormat::kPlain:
      serialize_plain(event, out);
      return;
    case protocol::EventFormat::kJson:
      serialize_json(event, out);
      return;
    case protocol::EventFormat::kXml:
      serialize_xml(event, out);
      return;
  }
}

}  // namespace es::core
