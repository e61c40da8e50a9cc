#include "protocol/escape.hpp"

#include <array>
#include <cstdint>

namespace es::protocol {
namespace {

constexpr char kUpperHex[] = "0123456789ABCDEF";

// Bytes FreeSWITCH's URL encoder turns into %XX: controls, DEL and above, and its unsafe set.
constexpr std::array<bool, 256> make_url_unsafe_table() {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) table[c] = c < 0x20 || c > 0x7E;
  for (unsigned char c : std::string_view("\r\n #%&+:;<=>?@[\\]^`{|}\"")) table[c] = true;
  return table;
}
constexpr auto kUrlUnsafe = make_url_unsafe_table();

constexpr bool is_upper_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// JSON: 0 = copy as is, 'u' = \u00xx, otherwise the letter after the backslash.
constexpr std::array<char, 256> make_json_escape_table() {
  std::array<char, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = 'u';
  table['"'] = '"';
  table['\\'] = '\\';
  table['\b'] = 'b';
  table['\f'] = 'f';
  table['\n'] = 'n';
  table['\r'] = 'r';
  table['\t'] = 't';
  return table;
}
constexpr auto kJsonEscape = make_json_escape_table();

// XML text: bytes that are not plain copies (entities, and every byte with the high bit set
// because multi-byte characters become numeric references).
constexpr std::array<bool, 256> make_xml_special_table() {
  std::array<bool, 256> table{};
  for (int c = 0x80; c < 256; ++c) table[c] = true;
  table['&'] = table['<'] = table['>'] = table['\r'] = true;
  return table;
}
constexpr auto kXmlSpecial = make_xml_special_table();

void append_hex_upper(std::string& out, std::uint32_t value) {
  char digits[8];
  int count = 0;
  do {
    digits[count++] = kUpperHex[value & 0x0F];
    value >>= 4;
  } while (value != 0);
  while (count > 0) out.push_back(digits[--count]);
}

}  // namespace

void url_encode_append(std::string& out, std::string_view in) {
  url_encode_append_limited(out, in, std::string::npos);
}

void url_encode_append_limited(std::string& out, std::string_view in, std::size_t max_output) {
  const std::size_t size = in.size();
  std::size_t written = 0;
  std::size_t run_start = 0;
  for (std::size_t i = 0; i < size; ++i) {
    const unsigned char c = static_cast<unsigned char>(in[i]);
    if (written >= max_output) {
      out.append(in.data() + run_start, i - run_start);
      return;
    }
    bool copy = !kUrlUnsafe[c];
    // A '%' with two more bytes after it that are uppercase hex counts as already encoded.
    if (c == '%' && size - i > 2 && is_upper_hex(in[i + 1]) && is_upper_hex(in[i + 2])) {
      copy = true;
    }
    if (copy) {
      ++written;
      continue;
    }
    out.append(in.data() + run_start, i - run_start);
    run_start = i + 1;
    if (written + 3 > max_output) return;
    const char encoded[3] = {'%', kUpperHex[c >> 4], kUpperHex[c & 0x0F]};
    out.append(encoded, 3);
    written += 3;
  }
  out.append(in.data() + run_start, size - run_start);
}

std::string url_encode(std::string_view in) {
  std::string out;
  out.reserve(in.size() + in.size() / 4);
  url_encode_append(out, in);
  return out;
}

std::string url_decode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size()) {
      const int high = hex_value(in[i + 1]);
      const int low = hex_value(in[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>((high << 4) | low));
        i += 2;
        continue;
      }
    }
    out.push_back(in[i]);
  }
  return out;
}

void json_escape_append(std::string& out, std::string_view in) {
  std::size_t run_start = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char kind = kJsonEscape[static_cast<unsigned char>(in[i])];
    if (kind == 0) continue;
    out.append(in.data() + run_start, i - run_start);
    run_start = i + 1;
    if (kind == 'u') {
      static constexpr char kLowerHex[] = "0123456789abcdef";
      const unsigned char c = static_cast<unsigned char>(in[i]);
      const char escaped[6] = {'\\', 'u', '0', '0', kLowerHex[c >> 4], kLowerHex[c & 0x0F]};
      out.append(escaped, 6);
    } else {
      const char escaped[2] = {'\\', kind};
      out.append(escaped, 2);
    }
  }
  out.append(in.data() + run_start, in.size() - run_start);
}

void json_string_append(std::string& out, std::string_view in) {
  out.push_back('"');
  json_escape_append(out, in);
  out.push_back('"');
}

namespace {

// Four hex digits at text[pos], or -1.
long hex4_at(std::string_view text, std::size_t pos) {
  if (pos > text.size() || text.size() - pos < 4) return -1;
  long value = 0;
  for (std::size_t i = pos; i < pos + 4; ++i) {
    int digit = hex_value(text[i]);
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

void append_utf8(std::string& out, std::uint32_t code) {
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

bool is_high_surrogate(long code) {
  return code >= 0xD800 && code <= 0xDBFF;
}
bool is_low_surrogate(long code) {
  return code >= 0xDC00 && code <= 0xDFFF;
}

}  // namespace

std::optional<std::string> json_unescape(std::string_view text, std::size_t& pos,
                                         LoneSurrogate lone) {
  if (pos >= text.size() || text[pos] != '"') return std::nullopt;
  ++pos;
  std::string out;
  while (pos < text.size()) {
    // Copy the run up to the next quote or backslash in one piece.
    std::size_t special = text.find_first_of("\\\"", pos);
    if (special == std::string_view::npos) return std::nullopt;
    out.append(text.substr(pos, special - pos));
    pos = special + 1;
    if (text[special] == '"') return out;
    if (pos >= text.size()) return std::nullopt;
    char escape = text[pos++];
    switch (escape) {
      case '"':
      case '\\':
      case '/':
        out += escape;
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
        long code = hex4_at(text, pos);
        if (code < 0) return std::nullopt;
        pos += 4;
        if (is_high_surrogate(code) && text.substr(pos, 2) == "\\u") {
          long low = hex4_at(text, pos + 2);
          if (is_low_surrogate(low)) {
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
            pos += 6;
          }
        }
        // Still a surrogate: its other half was missing (the next escape, if any, is read on
        // its own).
        if (lone == LoneSurrogate::kReject && (is_high_surrogate(code) || is_low_surrogate(code)))
          return std::nullopt;
        append_utf8(out, static_cast<std::uint32_t>(code));
        break;
      }
      default:
        return std::nullopt;
    }
  }
  return std::nullopt;
}

void xml_escape_append(std::string& out, std::string_view in) {
  std::size_t run_start = 0;
  // Continuation bytes still expected for the current multi-byte character, and its code
  // point so far. FreeSWITCH drops malformed bytes instead of copying them.
  int pending = 0;
  std::uint32_t code_point = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(in[i]);
    if (!kXmlSpecial[c] && pending == 0) continue;
    out.append(in.data() + run_start, i - run_start);
    run_start = i + 1;
    switch (c) {
      case '&':
        out.append("&amp;");
        continue;
      case '<':
        if (i + 1 < in.size() && in[i + 1] == '!') {
          // The printer stops escaping at "<!" (it assumes a comment or CDATA section).
          out.append(in.data() + i, in.size() - i);
          return;
        }
        out.append("&lt;");
        continue;
      case '>':
        out.append("&gt;");
        continue;
      case '\r':
        out.append("&#xD;");
        continue;
      case '"':
      case '\n':
      case '\t':
        out.push_back(static_cast<char>(c));
        continue;
      default:
        break;
    }
    if (pending == 0) {
      // Lead byte: the number of leading one bits (capped at 4) gives the sequence length;
      // a stray continuation byte (one leading bit) is dropped.
      if ((c & 0x40) == 0) continue;
      if ((c & 0x20) == 0) {
        code_point = c & 0x1F;
        pending = 1;
      } else if ((c & 0x10) == 0) {
        code_point = c & 0x0F;
        pending = 2;
      } else {
        code_point = c & 0x07;
        pending = 3;
      }
      continue;
    }
    if ((c & 0xC0) != 0x80) {
      pending = 0;  // the broken sequence and this byte are both dropped
      continue;
    }
    code_point = (code_point << 6) | (c & 0x3F);
    if (--pending == 0) {
      out.append("&#x");
      append_hex_upper(out, code_point);
      out.push_back(';');
    }
  }
  out.append(in.data() + run_start, in.size() - run_start);
}

}  // namespace es::protocol
