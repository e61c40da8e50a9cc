#include "apps/escli/line_editor.hpp"

#include <histedit.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace es::apps::escli {
namespace {

constexpr int kHistorySize = 800;
constexpr std::string_view kClearLine = "\r\033[K";
constexpr std::string_view kInterruptHint =
    "(Ctrl-C does not quit: type /exit, or Ctrl-D on an empty line)\n";

LineEditor* editor_of(EditLine* el) {
  void* data = nullptr;
  el_get(el, EL_CLIENTDATA, &data);
  return static_cast<LineEditor*>(data);
}

// Waits until stdin or the wake-up pipe is readable; false on a poll error.
bool wait_for_input(const ConsoleOutput& output, bool& stdin_ready) {
  pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {output.wake_fd(), POLLIN, 0}};
  for (;;) {
    int ready = poll(fds, output.wake_fd() >= 0 ? 2 : 1, -1);
    if (ready < 0 && errno == EINTR) continue;  // Ctrl-C: its flag is in the pipe too
    if (ready < 0) return false;
    stdin_ready = fds[0].revents != 0;
    return true;
  }
}

// The function keys as xterm-like terminals (SS3 and CSI forms) and the Linux console send them.
struct KeyBinding {
  const char* sequence;
  int key;
};
constexpr KeyBinding kFunctionKeyBindings[] = {
    {"\033OP", 1},    {"\033OQ", 2},   {"\033OR", 3},   {"\033OS", 4},    {"\033[11~", 1},
    {"\033[12~", 2},  {"\033[13~", 3}, {"\033[14~", 4}, {"\033[15~", 5},  {"\033[17~", 6},
    {"\033[18~", 7},  {"\033[19~", 8}, {"\033[20~", 9}, {"\033[21~", 10}, {"\033[23~", 11},
    {"\033[24~", 12}, {"\033[[A", 1},  {"\033[[B", 2},  {"\033[[C", 3},   {"\033[[D", 4},
    {"\033[[E", 5},
};

}  // namespace

LineEditor::LineEditor(ConsoleOutput& output, EditorHooks hooks)
    : output_(output), hooks_(std::move(hooks)) {
  el_ = el_init("escli", stdin, stdout, stderr);
  el_set(el_, EL_CLIENTDATA, this);
  el_set(el_, EL_EDITOR, "emacs");
  el_set(el_, EL_PROMPT_ESC, &LineEditor::prompt, '\1');
  el_set(el_, EL_GETCFN, &LineEditor::read_char);

  el_set(el_, EL_ADDFN, "escli-complete", "complete the command", &LineEditor::on_tab);
  el_set(el_, EL_BIND, "^I", "escli-complete", nullptr);
  el_set(el_, EL_ADDFN, "escli-eof", "leave on an empty line, else delete", &LineEditor::on_ctrl_d);
  el_set(el_, EL_BIND, "^D", "escli-eof", nullptr);
  el_set(el_, EL_BIND, "\033[3~", "ed-delete-next-char", nullptr);

  using KeyFunction = unsigned char (*)(EditLine*, int);
  const KeyFunction functions[12] = {
      &on_function_key<1>, &on_function_key<2>,  &on_function_key<3>,  &on_function_key<4>,
      &on_function_key<5>, &on_function_key<6>,  &on_function_key<7>,  &on_function_key<8>,
      &on_function_key<9>, &on_function_key<10>, &on_function_key<11>, &on_function_key<12>};
  for (int key = 1; key <= 12; ++key) {
    std::string name = "escli-f" + std::to_string(key);
    el_set(el_, EL_ADDFN, name.c_str(), "run the function key's macro", functions[key - 1]);
  }
  for (const auto& binding : kFunctionKeyBindings) {
    std::string name = "escli-f" + std::to_string(binding.key);
    el_set(el_, EL_BIND, binding.sequence, name.c_str(), nullptr);
  }

  history_ = history_init();
  HistEvent event;
  history(history_, &event, H_SETSIZE, kHistorySize);
  history(history_, &event, H_SETUNIQUE, 1);
  el_set(el_, EL_HIST, history, history_);
  el_source(el_, nullptr);  // the user's ~/.editrc, as any libedit program
}

LineEditor::~LineEditor() {
  if (history_) history_end(history_);
  if (el_) el_end(el_);
}

void LineEditor::set_prompt(const std::string& text, const std::string& prompt_color,
                            const std::string& input_color) {
  bare_prompt_ = text;
  input_color_ = input_color;
  prompt_.clear();
  if (!prompt_color.empty()) prompt_ += "\1" + prompt_color + "\1";
  prompt_ += text;
  if (!prompt_color.empty() || !input_color.empty()) {
    prompt_ += "\1" + (input_color.empty() ? std::string("\033[m") : input_color) + "\1";
  }
}

void LineEditor::load_history(const std::string& path) {
  HistEvent event;
  history(history_, &event, H_LOAD, path.c_str());  // a missing file is no error
}

void LineEditor::save_history(const std::string& path) {
  HistEvent event;
  history(history_, &event, H_SAVE, path.c_str());
}

void LineEditor::remember(const std::string& line) {
  HistEvent event;
  history(history_, &event, H_ENTER, line.c_str());
}

std::optional<std::string> LineEditor::read_line() {
  quit_ = false;
  output_.begin_reading();
  int count = 0;
  const char* line = el_gets(el_, &count);
  output_.end_reading();
  // Back to the terminal's own colour for what follows the input.
  if (!input_color_.empty()) ConsoleOutput::write_all(Stream::kOut, "\033[m");
  if (quit_ || output_.abort_requested() || line == nullptr || count <= 0) {
    if (line == nullptr || count <= 0) ConsoleOutput::write_all(Stream::kOut, "\n");
    return std::nullopt;
  }
  std::string text(line, static_cast<std::size_t>(count));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

void LineEditor::show_pending(const ConsoleOutput::Pending& pending) {
  if (pending.texts.empty() && !pending.interrupted) return;
  ConsoleOutput::write_all(Stream::kOut, kClearLine);
  for (const auto& [stream, text] : pending.texts) ConsoleOutput::write_all(stream, text);
  if (pending.interrupted) ConsoleOutput::write_all(Stream::kErr, kInterruptHint);
  el_wset(el_, EL_REFRESH);
}

int LineEditor::read_char(EditLine* el, wchar_t* out) {
  LineEditor* self = editor_of(el);
  for (;;) {
    ConsoleOutput::Pending pending = self->output_.take_pending();
    self->show_pending(pending);
    if (pending.aborted) return 0;
    bool stdin_ready = false;
    if (!wait_for_input(self->output_, stdin_ready)) return -1;
    if (!stdin_ready) continue;
    char byte = 0;
    ssize_t n = read(STDIN_FILENO, &byte, 1);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return 0;
    wchar_t wide = 0;
    std::size_t used = std::mbrtowc(&wide, &byte, 1, &self->decoder_);
    if (used == static_cast<std::size_t>(-2)) continue;  // more bytes of this character follow
    if (used == static_cast<std::size_t>(-1)) {
      self->decoder_ = {};
      wide = static_cast<unsigned char>(byte);  // not in the locale's encoding: pass it through
    }
    *out = wide;
    return 1;
  }
}

char* LineEditor::prompt(EditLine* el) {
  return editor_of(el)->prompt_.data();
}

unsigned char LineEditor::on_tab(EditLine* el, int) {
  LineEditor* self = editor_of(el);
  if (!self->hooks_.complete) return CC_NORM;
  const LineInfo* info = el_line(el);
  std::string line(info->buffer, static_cast<std::size_t>(info->lastchar - info->buffer));
  auto cursor = static_cast<std::size_t>(info->cursor - info->buffer);
  CompletionEdit edit = self->hooks_.complete(line, cursor);
  ConsoleOutput::write_all(Stream::kOut, edit.listing);
  if (edit.erase > 0) el_deletestr(el, static_cast<int>(edit.erase));
  if (!edit.insert.empty()) el_insertstr(el, edit.insert.c_str());
  return CC_REDISPLAY;
}

unsigned char LineEditor::on_ctrl_d(EditLine* el, int) {
  const LineInfo* info = el_line(el);
  if (info->buffer == info->lastchar) {
    ConsoleOutput::write_all(Stream::kOut, "/exit\n");
    editor_of(el)->quit_ = true;
    return CC_EOF;
  }
  if (info->cursor != info->lastchar) {
    el_cursor(el, 1);
    el_deletestr(el, 1);
  }
  return CC_REDISPLAY;
}

template <int Key>
unsigned char LineEditor::on_function_key(EditLine* el, int) {
  return editor_of(el)->function_key(Key);
}

unsigned char LineEditor::function_key(int key) {
  std::string macro = hooks_.function_key_macro ? hooks_.function_key_macro(key) : std::string();
  if (macro.empty()) {
    ConsoleOutput::write_all(Stream::kErr, "\nF" + std::to_string(key) + " has no macro (key_F" +
                                               std::to_string(key) + " in ~/.escli.conf)\n");
    return CC_REDISPLAY;
  }
  // Show the macro as if typed after the prompt, keeping what the user had typed for later.
  ConsoleOutput::write_all(Stream::kOut, std::string(kClearLine) + bare_prompt_ + macro + "\n");
  if (hooks_.run_macro && !hooks_.run_macro(macro)) {
    quit_ = true;
    return CC_EOF;
  }
  return CC_REDISPLAY;
}

std::optional<std::string> PlainLineReader::read_line() {
  for (;;) {
    if (auto newline = buffer_.find('\n'); newline != std::string::npos) {
      std::string line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    }
    if (eof_) {
      if (buffer_.empty()) return std::nullopt;
      return std::exchange(buffer_, {});
    }
    // Nothing is queued in batch mode (there is no input line to protect, so other threads
    // print at once): the pipe only carries aborts.
    bool stdin_ready = false;
    if (!wait_for_input(output_, stdin_ready)) return std::nullopt;
    if (!stdin_ready) {
      if (output_.take_pending().aborted) return std::nullopt;
      continue;
    }
    char chunk[4096];
    ssize_t n = read(STDIN_FILENO, chunk, sizeof chunk);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) {
      eof_ = true;
      continue;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

}  // namespace es::apps::escli
