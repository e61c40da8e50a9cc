// regex, cond, strftime, md5, echo, uuid_exists, log (mod_commands.c; strftime from mod_dptools.c).
#include <fmt/format.h>
#include <openssl/evp.h>

#include <ctime>
#include <memory>

#include "core/commands/command_groups.hpp"
#include "core/regex.hpp"
#include "core/saturating.hpp"
#include "core/text/separate_string.hpp"
#include "core/text/text.hpp"

namespace es::core::commands {
namespace {

ApiStatus regex_command(std::string_view arg, std::string& out) {
  std::string_view text = arg;
  char delimiter = '|';
  if (text.size() > 2 && text[0] == 'm' && text[1] == ':' &&
      (text[2] == '|' || text[2] == '~' || text[2] == '/')) {
    delimiter = text[2];
    text.remove_prefix(3);
  }
  auto argv = text::separate_string(text, delimiter, 4);
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
    // FreeSWITCH substitutes into a buffer of (data + subst + 10) * match count bytes.
    std::size_t limit =
        (argv[0].size() + argv[2].size() + 10) * static_cast<std::size_t>(match.count) - 1;
    out += perform_substitution(match, subst, limit);
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
  auto argv = text::separate_string(std::string_view(text).substr(pos), ':', 3);
  if (argv.size() < 2 || argv.size() > 3) return fail();

  bool a_number = text::is_number(a) && !a_quoted;
  bool b_number = text::is_number(b) && !b_quoted;
  double a_value = a_number ? text::c_atof(a) : static_cast<double>(static_cast<float>(a.size()));
  double b_value = b_number ? text::c_atof(b) : static_cast<double>(static_cast<float>(b.size()));
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
      when_us = saturating_mul(text::c_atol(arg.substr(0, bar)), 1000000);
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
              },
              {.may_block = false});
  add_command(rt, "cond", "Evaluate a conditional", "<expr> ? <true val> : <false val>",
              [](std::string_view arg, std::string& out, const ApiContext&) {
                return cond_command(arg, out);
              },
              {.may_block = false});
  add_command(rt, "echo", "Echo", "<data>",
              [](std::string_view arg, std::string& out, const ApiContext&) {
                out.append(arg);
                return ApiStatus::kSuccess;
              },
              {.may_block = false});
  add_command(rt, "uuid_exists", "Check if a uuid exists", "<uuid>",
              [&rt](std::string_view arg, std::string& out, const ApiContext&) {
                const SessionControl* sessions = rt.session_control();
                bool live = !arg.empty() && sessions != nullptr && sessions->is_live(arg);
                out.append(live ? "true" : "false");
                return ApiStatus::kSuccess;
              },
              {.may_block = false});
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
              },
              {.may_block = false});
  add_command(rt, "md5", "Return md5 hash", "<data>",
              [](std::string_view arg, std::string& out, const ApiContext&) {
                return md5_command(arg, out);
              },
              {.may_block = false});
  add_command(rt, "strftime", "strftime", "<format_string>",
              [&rt](std::string_view arg, std::string& out, const ApiContext&) {
                return strftime_command(rt, arg, out);
              },
              {.module = "mod_dptools", .may_block = false});
}

}  // namespace es::core::commands
