// regex, cond, strftime, md5, echo, uuid_exists, log (mod_commands.c; strftime from mod_dptools.c).
#define PCRE2_CODE_UNIT_WIDTH 8
#include <fmt/format.h>
#include <openssl/evp.h>
#include <pcre2.h>

#include <ctime>
#include <memory>

#include "core/commands/command_groups.hpp"
#include "core/commands/separate_string.hpp"
#include "core/saturating.hpp"

namespace es::core::commands {
namespace {

// switch_ast2regex: "_" patterns in Asterisk notation (N, X, Z, '.') become anchored regexes.
std::string ast_to_regex(std::string_view pattern) {
  std::string out = "^";
  for (char c : pattern) {
    if (c == 'N') {
      out += "[2-9]";
    } else if (c == 'X') {
      out += "[0-9]";
    } else if (c == 'Z') {
      out += "[1-9]";
    } else if (c == '.') {
      out += ".*";
    } else {
      out += c;
    }
  }
  out += '$';
  return out.substr(0, 255);
}

struct MatchDataDeleter {
  void operator()(pcre2_match_data* data) const { pcre2_match_data_free(data); }
};
struct CodeDeleter {
  void operator()(pcre2_code* code) const { pcre2_code_free(code); }
};

struct RegexMatch {
  std::unique_ptr<pcre2_code, CodeDeleter> code;
  std::unique_ptr<pcre2_match_data, MatchDataDeleter> data;
  int count = 0;  // switch_regex_perform's result: 0 when there is no match
};

// switch_regex_perform: "/pattern/flags" (i, s) form, "_" Asterisk form.
RegexMatch regex_perform(std::string_view field, std::string_view expression) {
  RegexMatch match;
  std::string pattern(expression);
  if (!pattern.empty() && pattern.front() == '_') {
    std::string converted = ast_to_regex(std::string_view(pattern).substr(1));
    if (converted != pattern) pattern = converted;
  }
  std::uint32_t flags = 0;
  if (!pattern.empty() && pattern.front() == '/') {
    std::string body = pattern.substr(1);
    auto close = body.rfind('/');
    if (close == std::string::npos) return match;
    std::string options = body.substr(close + 1);
    body.resize(close);
    if (options.find('i') != std::string::npos) flags |= PCRE2_CASELESS;
    if (options.find('s') != std::string::npos) flags |= PCRE2_DOTALL;
    pattern = body;
  }
  int error = 0;
  PCRE2_SIZE offset = 0;
  match.code.reset(pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.c_str()),
                                 PCRE2_ZERO_TERMINATED, flags, &error, &offset, nullptr));
  if (!match.code) return match;
  match.data.reset(pcre2_match_data_create_from_pattern(match.code.get(), nullptr));
  int rc = pcre2_match(match.code.get(), reinterpret_cast<PCRE2_SPTR>(field.data()), field.size(),
                       0, 0, match.data.get(), nullptr);
  match.count = rc > 0 ? rc : 0;
  return match;
}

// switch_perform_substitution: $N / ${N} with capture N, into at most `limit - 1` bytes.
std::string substitute(const RegexMatch& match, std::string_view data, std::size_t limit) {
  std::string out;
  char index[10] = {};
  std::size_t z = 0;  // like FreeSWITCH, not reset after a malformed ${N
  auto at = [&](std::size_t i) { return i < data.size() ? data[i] : '\0'; };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  for (std::size_t x = 0; out.size() < limit - 1 && x < data.size();) {
    if (data[x] != '$') {
      out += data[x++];
      continue;
    }
    ++x;
    bool brace = at(x) == '{';
    if (brace) ++x;
    if (!digit(at(x))) {
      x -= brace ? 1 : 0;
      out += data[x - 1];
      continue;
    }
    while (digit(at(x)) && z < sizeof(index) - 1) index[z++] = data[x++];
    if (brace) {
      if (at(x) != '}') {
        x -= z - 1;
        out += data[x - 1];
        continue;
      }
      ++x;
    }
    index[z] = '\0';
    z = 0;
    int number = std::atoi(index);
    if (number < 0 || number > 256) continue;
    PCRE2_UCHAR* text = nullptr;
    PCRE2_SIZE length = 0;
    if (pcre2_substring_get_bynumber(match.data.get(), static_cast<std::uint32_t>(number), &text,
                                     &length) >= 0 &&
        text) {
      std::string_view captured(reinterpret_cast<const char*>(text), length);
      captured = captured.substr(0, captured.find('\0'));
      for (char c : captured) {
        if (out.size() >= limit - 1) break;
        out += c;
      }
      pcre2_substring_free(text);
    }
  }
  return out;
}

ApiStatus regex_command(std::string_view arg, std::string& out) {
  std::string_view text = arg;
  char delimiter = '|';
  if (text.size() > 2 && text[0] == 'm' && text[1] == ':' &&
      (text[2] == '|' || text[2] == '~' || text[2] == '/')) {
    delimiter = text[2];
    text.remove_prefix(3);
  }
  auto argv = separate_string(text, delimiter, 4);
  if (argv.size() < 2) {
    out += "-ERR";
    return ApiStatus::kSuccess;
  }
  RegexMatch match = regex_perform(argv[0], argv[1]);
  if (argv.size() == 2) {
    out += match.count ? "true" : "false";
    return ApiStatus::kSuccess;
  }
  std::string_view flags = argv.size() > 3 ? std::string_view(argv[3]) : std::string_view();
  if (match.count) {
    std::string subst = argv[2];
    for (char& c : subst) {
      if (c == '%') c = '$';
    }
    std::size_t limit =
        (argv[0].size() + argv[2].size() + 10) * static_cast<std::size_t>(match.count);
    out += substitute(match, subst, limit);
  } else if (flags.find('n') != std::string_view::npos) {
  } else if (flags.find('b') != std::string_view::npos) {
    out += "false";
  } else {
    out += argv[0];
  }
  return ApiStatus::kSuccess;
}

bool c_isspace(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r');
}

// switch_is_number: an optional sign, then only digits and dots ("" and "-" count).
bool is_number(std::string_view text) {
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) text.remove_prefix(1);
  for (char c : text) {
    if (c != '.' && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

// One operand of cond: a quoted string (backslash keeps \\ and \' inside) that must be followed
// by whitespace, or a word up to the next space. Advances `pos` past the separator.
bool cond_operand(std::string& text, std::size_t& pos, std::string& operand, bool& quoted) {
  quoted = false;
  if (pos < text.size() && text[pos] == '\'') {
    quoted = true;
    std::size_t begin = ++pos;
    while (pos < text.size()) {
      if (text[pos] == '\\') {
        if (pos + 1 < text.size() && (text[pos + 1] == '\\' || text[pos + 1] == '\'')) ++pos;
      } else if (text[pos] == '\'') {
        break;
      }
      ++pos;
    }
    if (pos >= text.size()) return false;
    operand = text.substr(begin, pos - begin);
    ++pos;
    return pos < text.size() && c_isspace(text[pos]);
  }
  auto space = text.find(' ', pos);
  if (space == std::string::npos) return false;
  operand = text.substr(pos, space - pos);
  pos = space + 1;
  return true;
}

ApiStatus cond_command(std::string_view arg, std::string& out) {
  enum class Op { kNone, kEq, kNe, kGt, kGe, kLt, kLe };
  std::string text(arg.substr(0, arg.find('\0')));
  std::size_t pos = 0;
  std::string a, b;
  bool a_quoted = false, b_quoted = false;
  auto fail = [&] {
    out += "-ERR";
    return ApiStatus::kSuccess;
  };
  if (!cond_operand(text, pos, a, a_quoted)) return fail();
  while (pos < text.size() && c_isspace(text[pos])) ++pos;
  if (pos >= text.size()) return fail();
  Op op = Op::kNone;
  char first = text[pos++];
  char second = pos < text.size() ? text[pos] : '\0';
  switch (first) {
    case '!':
      if (second == '=') op = Op::kNe, ++pos;
      break;
    case '>':
      op = second == '=' ? Op::kGe : Op::kGt;
      if (second == '=') ++pos;
      break;
    case '<':
      op = second == '=' ? Op::kLe : Op::kLt;
      if (second == '=') ++pos;
      break;
    case '=':
      if (second == '=') op = Op::kEq, ++pos;
      break;
    default:
      return fail();
  }
  if (op == Op::kNone) return fail();
  // FreeSWITCH steps over one character after the operator before skipping spaces.
  ++pos;
  while (pos < text.size() && c_isspace(text[pos])) ++pos;
  if (pos > text.size()) return fail();
  if (!cond_operand(text, pos, b, b_quoted)) return fail();
  while (pos < text.size() && c_isspace(text[pos])) ++pos;
  if (pos >= text.size() || text[pos] != '?') return fail();
  text[pos] = ':';
  auto argv = separate_string(std::string_view(text).substr(pos), ':', 3);
  if (argv.size() < 2 || argv.size() > 3) return fail();

  bool a_number = is_number(a) && !a_quoted;
  bool b_number = is_number(b) && !b_quoted;
  double a_value = a_number ? c_atof(a) : static_cast<double>(static_cast<float>(a.size()));
  double b_value = b_number ? c_atof(b) : static_cast<double>(static_cast<float>(b.size()));
  bool is_true = false;
  switch (op) {
    case Op::kEq:
      is_true = !a_number && !b_number ? a == b : a_value == b_value;
      break;
    case Op::kNe:
      is_true = !a_number && !b_number ? a != b : a_value != b_value;
      break;
    case Op::kGt:
      is_true = a_value > b_value;
      break;
    case Op::kGe:
      is_true = a_value >= b_value;
      break;
    case Op::kLt:
      is_true = a_value < b_value;
      break;
    case Op::kLe:
      is_true = a_value <= b_value;
      break;
    case Op::kNone:
      break;
  }
  if (argv.size() == 2 && !is_true) return ApiStatus::kSuccess;
  out += is_true ? argv[1] : argv[2];
  return ApiStatus::kSuccess;
}

ApiStatus strftime_command(Runtime& rt, std::string_view arg, std::string& out) {
  std::int64_t when_us = rt.clock().now_epoch_us();
  std::string_view format = arg;
  if (!arg.empty()) {
    if (auto bar = arg.find('|'); bar != std::string_view::npos) {
      when_us = saturating_mul(c_atol(arg.substr(0, bar)), 1000000);
      // FreeSWITCH starts the format one character after the '|' (it skips one too many).
      format = bar + 2 <= arg.size() ? arg.substr(bar + 2) : std::string_view();
    }
  }
  std::time_t seconds = static_cast<std::time_t>(when_us / 1000000);
  std::tm local{};
  localtime_r(&seconds, &local);
  std::string pattern = format.empty() ? std::string("%Y-%m-%d %T") : std::string(format);
  char date[80] = "";
  if (std::strftime(date, sizeof(date), pattern.c_str(), &local) == 0) date[0] = '\0';
  out += date;
  return ApiStatus::kSuccess;
}

ApiStatus md5_command(std::string_view arg, std::string& out) {
  if (arg.empty()) {
    out += "!err!";
    return ApiStatus::kSuccess;
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(arg.data(), arg.size(), digest, &length, EVP_md5(), nullptr);
  for (unsigned int i = 0; i < length; ++i) out += fmt::format("{:02x}", digest[i]);
  return ApiStatus::kSuccess;
}

}  // namespace

void register_text_commands(Runtime& rt) {
  add_command(rt, "regex", "Evaluate a regex", "<data>|<pattern>[|<subst string>][n|b]",
              [](std::string_view arg, std::string& out, const ApiContext&) {
                return regex_command(arg, out);
              });
  add_command(rt, "cond", "Evaluate a conditional", "<expr> ? <true val> : <false val>",
              [](std::string_view arg, std::string& out, const ApiContext&) {
                return cond_command(arg, out);
              });
  add_command(rt, "echo", "Echo", "<data>",
              [](std::string_view arg, std::string& out, const ApiContext&) {
                out.append(arg);
                return ApiStatus::kSuccess;
              });
  add_command(rt, "uuid_exists", "Check if a uuid exists", "<uuid>",
              [&rt](std::string_view arg, std::string& out, const ApiContext&) {
                bool live = !arg.empty() && rt.session_control &&
                            rt.session_control->is_live(arg);
                out.append(live ? "true" : "false");
                return ApiStatus::kSuccess;
              });
  add_command(rt, "log", "Log", "<level> <message>",
              [&rt](std::string_view arg, std::string& out, const ApiContext& context) {
                auto space = arg.find(' ');
                if (arg.empty() || space == std::string_view::npos) {
                  out.append("-ERR\n");
                  return ApiStatus::kSuccess;
                }
                // An unknown level word logs at DEBUG, as FreeSWITCH does.
                int level = parse_log_level(arg.substr(0, space)).value_or(7);
                rt.log().log(level, __FILE__, "log_function", __LINE__, arg.substr(space + 1),
                             context.session_uuid);
                out.append("+OK\n");
                return ApiStatus::kSuccess;
              });
  add_command(rt, "md5", "Return md5 hash", "<data>",
              [](std::string_view arg, std::string& out, const ApiContext&) {
                return md5_command(arg, out);
              });
  add_command(
      rt, "strftime", "strftime", "<format_string>",
      [&rt](std::string_view arg, std::string& out, const ApiContext&) {
        return strftime_command(rt, arg, out);
      },
      "mod_dptools");
}

}  // namespace es::core::commands
