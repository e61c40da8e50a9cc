#include "core/text/separate_string.hpp"

namespace es::text {
namespace {

constexpr char kEscape = '\\';

char unescape_char(char c) {
  switch (c) {
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 's':
      return ' ';
    default:
      return c;
  }
}

// cleanup_separated_string: drops leading spaces, unquoted trailing spaces and the quotes
// themselves, and resolves escapes.
std::string cleanup(std::string_view token, char delimiter) {
  std::size_t i = 0;
  while (i < token.size() && token[i] == ' ') ++i;
  std::string out;
  std::size_t keep = 0;  // output length up to the last character that must stay
  bool inside_quotes = false;
  for (; i < token.size(); ++i) {
    char c = token[i];
    if (c == kEscape && i + 1 < token.size()) {
      char next = token[i + 1];
      char unescaped = unescape_char(next);
      if (next == '\'' || next == '"' || (delimiter && next == delimiter) || next == kEscape ||
          unescaped != next) {
        ++i;
        out += unescaped;
        keep = out.size();
        continue;
      }
    }
    if (c == '\'' && (inside_quotes || token.find('\'', i + 1) != std::string_view::npos)) {
      inside_quotes = !inside_quotes;
      if (inside_quotes) keep = out.size();
    } else {
      out += c;
      if (c != ' ' || inside_quotes) keep = out.size();
    }
  }
  out.resize(keep);
  return out;
}

// separate_string_char_delim: every unquoted, unescaped delimiter ends a token; once `max`
// tokens exist the last one runs to the end of the text.
std::vector<std::string> split_on_char(std::string_view text, char delimiter, std::size_t max) {
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  bool start = true;
  bool inside_quotes = false;
  std::size_t i = 0;
  while (i < text.size() && spans.size() < max) {
    if (start) {
      spans.emplace_back(i, text.size());
      start = false;
      continue;
    }
    char c = text[i];
    if (c == kEscape) {
      ++i;
    } else if (c == '\'' && (inside_quotes || text.find('\'', i + 1) != std::string_view::npos)) {
      inside_quotes = !inside_quotes;
    } else if (c == delimiter && !inside_quotes) {
      spans.back().second = i;
      start = true;
    }
    ++i;
  }
  std::vector<std::string> out;
  out.reserve(spans.size());
  for (auto [begin, end] : spans)
    out.push_back(cleanup(text.substr(begin, end - begin), delimiter));
  return out;
}

// separate_string_blank_delim: runs of spaces separate tokens.
std::vector<std::string> split_on_blank(std::string_view text, std::size_t max) {
  enum class State { kStart, kSkipInitial, kFindDelimiter, kSkipEnding };
  State state = State::kStart;
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  bool inside_quotes = false;
  std::size_t i = 0;
  while (i < text.size() && spans.size() < max) {
    switch (state) {
      case State::kStart:
        spans.emplace_back(i, text.size());
        state = State::kSkipInitial;
        break;
      case State::kSkipInitial:
        if (text[i] == ' ') {
          ++i;
        } else {
          state = State::kFindDelimiter;
        }
        break;
      case State::kFindDelimiter:
        if (text[i] == kEscape) {
          ++i;
        } else if (text[i] == '\'') {
          inside_quotes = !inside_quotes;
        } else if (text[i] == ' ' && !inside_quotes) {
          spans.back().second = i;
          state = State::kSkipEnding;
        }
        ++i;
        break;
      case State::kSkipEnding:
        if (text[i] == ' ') {
          ++i;
        } else {
          state = State::kStart;
        }
        break;
    }
  }
  std::vector<std::string> out;
  out.reserve(spans.size());
  for (auto [begin, end] : spans) out.push_back(cleanup(text.substr(begin, end - begin), 0));
  return out;
}

}  // namespace

std::vector<std::string> separate_string(std::string_view text, char delimiter, std::size_t max) {
  text = text.substr(0, text.find('\0'));
  if (max == 0) return {};
  if (text.size() >= 4 && text[0] == '^' && text[1] == '^') {
    delimiter = text[2];
    text.remove_prefix(3);
  }
  return delimiter == ' ' ? split_on_blank(text, max) : split_on_char(text, delimiter, max);
}

}  // namespace es::text
