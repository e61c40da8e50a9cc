#include "apps/escli/console_output.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace es::apps::escli {

ConsoleOutput::ConsoleOutput() {
  if (pipe2(wake_pipe_, O_CLOEXEC | O_NONBLOCK) != 0) wake_pipe_[0] = wake_pipe_[1] = -1;
}

ConsoleOutput::~ConsoleOutput() {
  for (int fd : wake_pipe_) {
    if (fd >= 0) close(fd);
  }
}

void ConsoleOutput::write_all(Stream stream, std::string_view text) {
  int fd = stream == Stream::kOut ? STDOUT_FILENO : STDERR_FILENO;
  while (!text.empty()) {
    ssize_t n = write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the terminal or pipe is gone: nothing sensible to do
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

void ConsoleOutput::print(std::string_view text, Stream stream) {
  if (text.empty()) return;
  std::lock_guard lock(mutex_);
  if (reading_ && std::this_thread::get_id() != reader_) {
    queued_.emplace_back(stream, std::string(text));
    wake();
    return;
  }
  write_all(stream, text);
}

void ConsoleOutput::begin_reading() {
  std::lock_guard lock(mutex_);
  reading_ = true;
  reader_ = std::this_thread::get_id();
}

void ConsoleOutput::end_reading() {
  std::lock_guard lock(mutex_);
  reading_ = false;
  for (auto& [stream, text] : queued_) write_all(stream, text);
  queued_.clear();
}

ConsoleOutput::Pending ConsoleOutput::take_pending() {
  char drain[64];
  while (wake_pipe_[0] >= 0 && read(wake_pipe_[0], drain, sizeof drain) > 0) {
  }
  Pending pending;
  {
    std::lock_guard lock(mutex_);
    pending.texts.swap(queued_);
  }
  pending.interrupted = interrupted_.exchange(false);
  pending.aborted = abort_.load();
  return pending;
}

void ConsoleOutput::abort_reading() {
  abort_ = true;
  wake();
}

void ConsoleOutput::signal_interrupt() {
  interrupted_ = true;
  wake();
}

void ConsoleOutput::wake() {
  if (wake_pipe_[1] < 0) return;
  char byte = 1;
  // A full pipe already wakes the reader: a failed write loses nothing.
  [[maybe_unused]] ssize_t ignored = write(wake_pipe_[1], &byte, 1);
}

}  // namespace es::apps::escli
