// The one way escli writes to the terminal. Replies are printed by the main thread; log lines,
// events and notices arrive on the connection's thread at any moment, possibly while the line
// editor is drawing the input line. While the editor reads, text from other threads waits in a
// queue and a wake-up pipe tells the editor to print it above the input line and redraw.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace es::apps::escli {

enum class Stream { kOut, kErr };

class ConsoleOutput {
 public:
  ConsoleOutput();
  ~ConsoleOutput();
  ConsoleOutput(const ConsoleOutput&) = delete;
  ConsoleOutput& operator=(const ConsoleOutput&) = delete;

  // From any thread. Written at once unless another thread is reading a line.
  void print(std::string_view text, Stream stream = Stream::kOut);

  // The reading thread marks the time it owns the terminal.
  void begin_reading();
  void end_reading();
  // Readable when queued text, an interrupt or an abort waits.
  int wake_fd() const { return wake_pipe_[0]; }

  struct Pending {
    std::vector<std::pair<Stream, std::string>> texts;
    bool interrupted = false;  // Ctrl-C arrived
    bool aborted = false;      // abort_reading() was called: give up the line
  };
  // Takes (and clears) what waits; drains the wake-up pipe.
  Pending take_pending();

  // From any thread: the reader should stop reading (the connection is gone).
  void abort_reading();
  bool abort_requested() const { return abort_.load(); }
  void clear_abort() { abort_ = false; }
  // Async-signal-safe: records a Ctrl-C and wakes the reader.
  void signal_interrupt();

  static void write_all(Stream stream, std::string_view text);

 private:
  void wake();

  int wake_pipe_[2] = {-1, -1};
  std::mutex mutex_;
  bool reading_ = false;
  std::thread::id reader_;
  std::vector<std::pair<Stream, std::string>> queued_;
  std::atomic<bool> abort_{false};
  std::atomic<bool> interrupted_{false};
};

}  // namespace es::apps::escli
