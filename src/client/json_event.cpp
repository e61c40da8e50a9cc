// A small JSON reader for text/event-json bodies. Events are flat objects of strings (arrays of
// strings for multi-valued headers), so the reader only needs full fidelity for strings; other
// values are skipped structurally and kept as their source text.
#include <utility>

#include "client/event.hpp"
#include "protocol/escape.hpp"
#include "protocol/json_cursor.hpp"

namespace es::client {
namespace {

// Values nested deeper than this (counting the event object) make the body unreadable
// (nullopt): the skipper recurses, and a hostile peer must not be able to exhaust the stack.
// Events are flat, so real bodies nest one or two levels.
constexpr int kMaxJsonNesting = 64;

class JsonReader : protocol::JsonCursor {
 public:
  explicit JsonReader(std::string_view text) : JsonCursor(text) {}

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

  // A peer's lone surrogate is kept (written as its own three-byte sequence) rather than
  // making the whole event unreadable.
  bool read_string(std::string& out) {
    auto text = protocol::json_unescape(text_, pos_, protocol::LoneSurrogate::kKeep);
    if (!text) return false;
    out = std::move(*text);
    return true;
  }
};

}  // namespace

std::optional<Event> parse_json_event(std::string_view serialized) {
  return JsonReader(serialized).read_event();
}

}  // namespace es::client
