// Reading the user's lines. LineEditor wraps libedit (emacs keys, history, Tab completion,
// F1..F12 macros, Ctrl-D on an empty line to leave) and prints text that other threads queue
// on the ConsoleOutput above the input line. PlainLineReader reads bare lines for batch mode
// and piped input. Both give up their line when ConsoleOutput::abort_reading() is called.
#pragma once

#include <cwchar>
#include <functional>
#include <optional>
#include <string>

#include "apps/escli/console_output.hpp"

typedef struct editline EditLine;
typedef struct history History;

namespace es::apps::escli {

// How Tab changes the line: `listing` is printed, then `erase` characters before the cursor
// are replaced by `insert`.
struct CompletionEdit {
  std::string listing;
  std::size_t erase = 0;
  std::string insert;
};

struct EditorHooks {
  // The line up to its end and the cursor's byte offset in it.
  std::function<CompletionEdit(const std::string& line, std::size_t cursor)> complete;
  // The macro of function key 1..12 for this press (empty: unbound).
  std::function<std::string(int key)> function_key_macro;
  // Runs a macro as if typed; false ends the session.
  std::function<bool(const std::string& line)> run_macro;
};

class LineEditor {
 public:
  LineEditor(ConsoleOutput& output, EditorHooks hooks);
  ~LineEditor();
  LineEditor(const LineEditor&) = delete;
  LineEditor& operator=(const LineEditor&) = delete;

  // `text` is what the user sees; the colours are escape sequences (may be empty).
  void set_prompt(const std::string& text, const std::string& prompt_color,
                  const std::string& input_color);
  void load_history(const std::string& path);
  void save_history(const std::string& path);
  void remember(const std::string& line);

  // The next line without its newline; nullopt at end of input (Ctrl-D on an empty line, a
  // macro that quit, or an abort).
  std::optional<std::string> read_line();

 private:
  static int read_char(EditLine* el, wchar_t* out);
  static char* prompt(EditLine* el);
  static unsigned char on_tab(EditLine* el, int ch);
  static unsigned char on_ctrl_d(EditLine* el, int ch);
  template <int Key>
  static unsigned char on_function_key(EditLine* el, int ch);
  unsigned char function_key(int key);
  void show_pending(const ConsoleOutput::Pending& pending);

  ConsoleOutput& output_;
  EditorHooks hooks_;
  EditLine* el_ = nullptr;
  History* history_ = nullptr;
  std::string prompt_;       // with '\1'-delimited escape sequences for libedit
  std::string bare_prompt_;  // what is visible
  std::string input_color_;
  std::mbstate_t decoder_{};  // input bytes to wide characters (UTF-8)
  bool quit_ = false;
};

class PlainLineReader {
 public:
  explicit PlainLineReader(ConsoleOutput& output) : output_(output) {}
  std::optional<std::string> read_line();

 private:
  ConsoleOutput& output_;
  std::string buffer_;
  bool eof_ = false;
};

}  // namespace es::apps::escli
