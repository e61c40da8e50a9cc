#include "core/xml_preprocessor.hpp"

#include <glob.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include "protocol/ascii.hpp"

namespace es::core {
namespace {

constexpr int kMaxIncludeDepth = 100;

// Index of the '}' closing the '{' at text[open] (after optional spaces), or npos.
std::size_t find_closing_brace(std::string_view text, std::size_t open) {
  while (open < text.size() && text[open] == ' ') ++open;
  if (open >= text.size() || text[open] != '{') return std::string_view::npos;
  int depth = 1;
  for (std::size_t i = open + 1; i < text.size(); ++i) {
    if (text[i] == '{') {
      ++depth;
    } else if (text[i] == '}' && --depth == 0) {
      return i;
    }
  }
  return std::string_view::npos;
}

// "name = value": spaces around '=' are dropped; nothing when there is no '='.
bool split_assignment(std::string_view text, std::string* name, std::string* value) {
  auto eq = text.find('=');
  if (eq == std::string_view::npos) return false;
  std::string_view left = text.substr(0, eq);
  std::string_view right = text.substr(eq + 1);
  while (!left.empty() && left.back() == ' ') left.remove_suffix(1);
  while (!right.empty() && right.front() == ' ') right.remove_prefix(1);
  *name = std::string(left);
  *value = std::string(right);
  return true;
}

class Preprocessor {
 public:
  Preprocessor(GlobalVars& globals, PreprocessedXml& out) : globals_(globals), out_(out) {}

  bool run_file(const std::string& cwd, const std::string& path, int depth) {
    if (depth > kMaxIncludeDepth) {
      out_.warnings.push_back("error including " + path + " (maximum recursion limit reached)");
      return false;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      out_.warnings.push_back("couldn't open " + path);
      return false;
    }
    std::ostringstream content;
    content << in.rdbuf();
    if (in.bad()) {
      out_.warnings.push_back("couldn't read " + path);
      return false;
    }
    run_text(cwd, path, content.str(), depth);
    return true;
  }

  void run_text(const std::string& cwd, std::string_view name, std::string_view text, int depth) {
    std::size_t file = out_.files.size();
    out_.files.emplace_back(name);
    bool in_command_comment = false;  // inside a multi-line <!--# ... -->
    int line = 0;
    bool after_cr = false;
    std::size_t pos = 0;
    while (pos < text.size()) {
      // Lines end after '\n' or '\r', like switch_fp_read_dline.
      std::size_t end = text.find_first_of("\r\n", pos);
      end = end == std::string_view::npos ? text.size() : end + 1;
      std::string_view raw = text.substr(pos, end - pos);
      pos = end;
      // A CRLF pair arrives as two pieces but is one line for messages.
      if (!(after_cr && raw == "\n")) ++line;
      after_cr = raw.back() == '\r';
      process_line(cwd, file, line, raw, depth, in_command_comment);
    }
  }

 private:
  // Expands $${name} from the globals; unset names vanish. `checked` receives the part of the
  // raw line FreeSWITCH still sees afterwards (its expander cuts the line at the first closing
  // brace it consumes).
  std::string expand(std::string_view raw, std::string_view* checked, const std::string& where) {
    *checked = raw;
    if (raw.find("$${") == std::string_view::npos) return std::string(raw);
    std::string out;
    out.reserve(raw.size());
    bool first = true;
    std::size_t i = 0;
    while (i < raw.size()) {
      if (raw.compare(i, 3, "$${") == 0) {
        std::size_t close = find_closing_brace(raw, i + 2);
        if (close != std::string_view::npos) {
          std::string name(raw.substr(i + 3, close - i - 3));
          if (auto value = globals_.get(name)) out += *value;
          if (first) *checked = raw.substr(0, close);
          first = false;
          i = close + 1;
          continue;
        }
        out_.warnings.push_back("unterminated $${var} in " + where);
      }
      out += raw[i++];
    }
    return out;
  }

  void write(std::size_t file, int line, std::string_view text) {
    if (text.empty()) return;
    if (out_.origins.empty() || out_.origins.back().file != file ||
        out_.origins.back().line != line) {
      out_.origins.push_back({out_.text.size(), file, line});
    }
    out_.text.append(text);
  }

  void process_line(const std::string& cwd, std::size_t file, int line, std::string_view raw,
                    int depth, bool& in_command_comment) {
    std::string where = out_.files[file] + " line " + std::to_string(line);
    std::string_view checked;
    std::string expanded = expand(raw, &checked, where);
    // Wrapper tags and XML declarations are dropped with their whole line, so that every file
    // can be a well-formed document on its own and still be spliced into the big one.
    if (checked.find("<include>") != std::string_view::npos ||
        checked.find("</include>") != std::string_view::npos ||
        checked.find("<?") != std::string_view::npos) {
      return;
    }
    std::string_view line_text = expanded;
    if (in_command_comment) {
      auto close = line_text.find("-->");
      if (close == std::string_view::npos) return;
      in_command_comment = false;
      line_text.remove_prefix(close + 3);
    }

    // Quirk kept: the tag is honoured anywhere on the line, even inside an XML comment, and the
    // whole line is consumed.
    auto tag = protocol::ifind(line_text, "X-pre-process");
    if (tag != std::string_view::npos) {
      if (tag == 0 || line_text[tag - 1] != '<') return;
      run_tag(cwd, line_text.substr(tag), depth, where);
      return;
    }

    auto hash_comment = line_text.find("<!--#");
    if (hash_comment != std::string_view::npos) {
      write(file, line, line_text.substr(0, hash_comment));
      std::string_view command = line_text.substr(hash_comment + 5);
      auto close = command.find("-->");
      if (close != std::string_view::npos) {
        write(file, line, command.substr(close + 3));
        command = command.substr(0, close);
      } else {
        in_command_comment = true;
      }
      auto eol = command.find_first_of("\r\n");
      if (eol != std::string_view::npos) command = command.substr(0, eol);
      auto space = command.find(' ');
      if (space == std::string_view::npos) return;
      std::string_view arg = command.substr(space + 1);
      command = command.substr(0, space);
      auto quote = arg.find('"');
      if (quote != std::string_view::npos) {
        auto quote_end = arg.find('"', quote + 1);
        if (quote_end != std::string_view::npos) arg = arg.substr(quote + 1, quote_end - quote - 1);
      }
      if (!protocol::iequals(command, "env-set")) run_command(cwd, command, arg, depth, where);
      return;
    }

    write(file, line, line_text);
  }

  // <X-PRE-PROCESS cmd="..." data="..."/>, picked apart the way FreeSWITCH does: the first
  // "cmd", '=', '"' after the tag name, then the first "data" after the command's closing quote.
  void run_tag(const std::string& cwd, std::string_view tag, int depth, const std::string& where) {
    auto self_close = tag.find("/>");
    if (self_close != std::string_view::npos) tag = tag.substr(0, self_close + 2);
    auto quoted_after = [&](std::string_view key, std::size_t from, std::size_t* after,
                            bool need_close) -> std::optional<std::string_view> {
      auto at = protocol::ifind(tag, key, from);
      if (at == std::string_view::npos) return std::nullopt;
      auto eq = tag.find('=', at);
      if (eq == std::string_view::npos) return std::nullopt;
      auto open = tag.find('"', eq);
      if (open == std::string_view::npos) return std::nullopt;
      auto close = tag.find('"', open + 1);
      if (close == std::string_view::npos) {
        if (need_close) return std::nullopt;
        *after = tag.size();
        return tag.substr(open + 1);
      }
      *after = close + 1;
      return tag.substr(open + 1, close - open - 1);
    };
    std::size_t after_cmd = 0, after_data = 0;
    auto command = quoted_after("cmd", 0, &after_cmd, true);
    if (!command) return;
    auto data = quoted_after("data", after_cmd, &after_data, false);
    if (!data) return;
    run_command(cwd, *command, *data, depth, where);
  }

  void run_command(const std::string& cwd, std::string_view command, std::string_view arg,
                   int depth, const std::string& where) {
    if (protocol::iequals(command, "set")) {
      std::string name, value;
      if (split_assignment(arg, &name, &value)) {
        globals_.set(name, value);  // GlobalVars::set turns "${" into "%{"
      }
    } else if (protocol::iequals(command, "env-set")) {
      // env-set "name=$ENVVAR": no trimming here, unlike set.
      auto eq = arg.find('=');
      if (eq != std::string_view::npos && eq + 1 < arg.size() && arg[eq + 1] == '$') {
        std::string env_name(arg.substr(eq + 2));
        if (const char* value = std::getenv(env_name.c_str())) {
          globals_.set(arg.substr(0, eq), value);
        }
      }
    } else if (protocol::iequals(command, "include")) {
      include_glob(cwd, std::string(arg), depth + 1);
    } else if (protocol::iequals(command, "exec") || protocol::iequals(command, "exec-set") ||
               protocol::iequals(command, "stun-set")) {
      // Running programs from configuration is deliberately not supported.
      out_.warnings.push_back("ignored " + std::string(command) + " in " + where);
    }
  }

  void include_glob(const std::string& cwd, const std::string& pattern, int depth) {
    std::string full = !pattern.empty() && pattern.front() == '/' ? pattern : cwd + "/" + pattern;
    glob_t matches{};
    // Without GLOB_ERR: a directory that does not exist simply matches nothing.
    int rc = ::glob(full.c_str(), 0, nullptr, &matches);
    if (rc == GLOB_NOSPACE || rc == GLOB_ABORTED) {
      out_.warnings.push_back("error including " + full);
    } else if (rc == 0) {
      for (std::size_t i = 0; i < matches.gl_pathc; ++i) {
        std::string path = matches.gl_pathv[i];
        auto slash = path.rfind('/');
        std::string dir = slash == std::string::npos ? cwd : path.substr(0, slash);
        run_file(dir, path, depth);
      }
    }
    // GLOB_NOMATCH: nothing to include, which is not an error.
    globfree(&matches);
  }

  GlobalVars& globals_;
  PreprocessedXml& out_;
};

}  // namespace

std::pair<std::string, int> PreprocessedXml::locate(std::size_t offset) const {
  auto it = std::upper_bound(origins.begin(), origins.end(), offset,
                             [](std::size_t value, const Origin& o) { return value < o.offset; });
  if (it == origins.begin()) return {"", 0};
  --it;
  return {files[it->file], it->line};
}

PreprocessedXml preprocess_xml_file(const std::string& cwd, const std::string& file,
                                    GlobalVars& globals) {
  PreprocessedXml out;
  Preprocessor pre(globals, out);
  if (!pre.run_file(cwd, file, 0)) {
    out.error = out.warnings.empty() ? "couldn't open " + file : out.warnings.back();
  }
  return out;
}

PreprocessedXml preprocess_xml_text(const std::string& cwd, std::string_view name,
                                    std::string_view text, GlobalVars& globals) {
  PreprocessedXml out;
  Preprocessor pre(globals, out);
  pre.run_text(cwd, name, text, 0);
  return out;
}

}  // namespace es::core
