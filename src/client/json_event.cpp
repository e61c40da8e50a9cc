// A small JSON reader for text/event-json bodies. Events are flat objects of strings (arrays of
// strings for multi-valued headers), so the reader only needs full fidelity for strings; other
// values are skipped structurally and kept as their source text.
#include <cstdint>

#include "client/event.hpp"

namespace es::client {
namespace {

// Values nested deeper than this (counting the event object) make the body unreadable
// (nullopt): the skipper recurses, and a hostile peer must not be able to exhaust the stack.
// Events are flat, so real bodies nest one or two levels.
constexpr int kMaxJsonNesting = 64;

class JsonReader {
 public:
  explicit JsonReader(std::string_view text) : text_(text) {}

  std::optional<Event> read_event() {
    Event event;
    skip_space();
    if (!consume('{')) return std::nullopt;
    skip_space();
    if (consume('}')) return finish(std::move(event));
    while (true) {
      skip_space();
      std::string name;
      if (!read_string(name)) return std::nullopt;
      skip_space();
      if (!consume(':')) return std::nullopt;
      skip_space();
      std::string value;
      if (!read_value_as_text(value)) return std::nullopt;
      if (name == "_body") {
        event.body = std::move(value);
      } else {
        event.headers.push_back({std::move(name), std::move(value)});
      }
      skip_space();
      if (consume(',')) continue;
      if (consume('}')) return finish(std::move(event));
      return std::nullopt;
    }
  }

 private:
  std::optional<Event> finish(Event event) {
    skip_space();
    if (pos_ != text_.size()) return std::nullopt;
    return event;
  }

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  bool consume(char c) {
    if (peek() != c || at_end()) return false;
    ++pos_;
    return true;
  }
  void skip_space() {
    while (!at_end() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
                         text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool read_value_as_text(std::string& out) {
    if (peek() == '"') return read_string(out);
    if (peek() == '[') return read_string_array(out);
    std::size_t start = pos_;
    if (!skip_value(1)) return false;
    out.assign(text_.substr(start, pos_ - start));
    return true;
  }

  // ["a","b"] becomes "ARRAY::a|:b", the plain form of a multi-valued header. Arrays holding
  // anything but strings keep their JSON text.
  bool read_string_array(std::string& out) {
    std::size_t start = pos_;
    ++pos_;
    std::string joined = "ARRAY::";
    bool first = true;
    skip_space();
    if (consume(']')) {
      out = std::move(joined);
      return true;
    }
    while (true) {
      skip_space();
      if (peek() != '"') {
        pos_ = start;
        if (!skip_value(1)) return false;
        out.assign(text_.substr(start, pos_ - start));
        return true;
      }
      std::string item;
      if (!read_string(item)) return false;
      if (!first) joined += "|:";
      joined += item;
      first = false;
      skip_space();
      if (consume(',')) continue;
      if (consume(']')) break;
      return false;
    }
    out = std::move(joined);
    return true;
  }

  // `depth`: how many containers enclose the value (the event object counts).
  bool skip_value(int depth) {
    skip_space();
    char c = peek();
    if (c == '"') {
      std::string ignored;
      return read_string(ignored);
    }
    if (c == '{' || c == '[') {
      if (depth >= kMaxJsonNesting) return false;
      char close = c == '{' ? '}' : ']';
      ++pos_;
      skip_space();
      if (consume(close)) return true;
      while (true) {
        skip_space();
        if (c == '{') {
          std::string ignored;
          if (!read_string(ignored)) return false;
          skip_space();
          if (!consume(':')) return false;
        }
        if (!skip_value(depth + 1)) return false;
        skip_space();
        if (consume(',')) continue;
        return consume(close);
      }
    }
    // Numbers, true, false, null: a run of literal characters.
    std::size_t start = pos_;
    while (!at_end()) {
      char d = text_[pos_];
      bool literal = (d >= '0' && d <= '9') || (d >= 'a' && d <= 'z') || d == '-' || d == '+' ||
                     d == '.' || d == 'E';
      if (!literal) break;
      ++pos_;
    }
    return pos_ > start;
  }

  static void append_utf8(std::string& out, std::uint32_t code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  bool read_hex4(std::uint32_t& code) {
    if (text_.size() - pos_ < 4) return false;
    code = 0;
    for (int i = 0; i < 4; ++i) {
      char h = text_[pos_++];
      code <<= 4;
      if (h >= '0' && h <= '9') {
        code |= static_cast<std::uint32_t>(h - '0');
      } else if (h >= 'a' && h <= 'f') {
        code |= static_cast<std::uint32_t>(h - 'a' + 10);
      } else if (h >= 'A' && h <= 'F') {
        code |= static_cast<std::uint32_t>(h - 'A' + 10);
      } else {
        return false;
      }
    }
    return true;
  }

  bool read_string(std::string& out) {
    if (!consume('"')) return false;
    out.clear();
    while (!at_end()) {
      char c = text_[pos_++];
      if (c == '"') return true;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (at_end()) return false;
      char escape = text_[pos_++];
      switch (escape) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          std::uint32_t code = 0;
          if (!read_hex4(code)) return false;
          // A high surrogate followed by an escaped low surrogate encodes one code point.
          if (code >= 0xD800 && code < 0xDC00 && text_.substr(pos_, 2) == "\\u") {
            std::size_t save = pos_;
            pos_ += 2;
            std::uint32_t low = 0;
            if (read_hex4(low) && low >= 0xDC00 && low < 0xE000) {
              code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
            } else {
              pos_ = save;
            }
          }
          append_utf8(out, code);
          break;
        }
        default:
          return false;
      }
    }
    return false;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

std::optional<Event> parse_json_event(std::string_view serialized) {
  return JsonReader(serialized).read_event();
}

}  // namespace es::client
