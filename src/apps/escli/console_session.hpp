// escli's command loop: connects (retrying with -r), runs -x commands or reads lines and
// carries them out (api commands, slash commands, Tab completion, function-key macros), prints
// log lines and events as they arrive, and reports every refusal or loss of the connection in
// one line; with -R it connects again and restores the log level, subscriptions and filters.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "apps/escli/console_commands.hpp"
#include "apps/escli/console_output.hpp"
#include "apps/escli/line_editor.hpp"
#include "apps/escli/options.hpp"
#include "apps/escli/renderer.hpp"
#include "client/event_sequences.hpp"
#include "client/sync_connection.hpp"

namespace es::apps::escli {

class ConsoleSession {
 public:
  ConsoleSession(Settings settings, ConsoleOutput& output);
  ~ConsoleSession();
  ConsoleSession(const ConsoleSession&) = delete;
  ConsoleSession& operator=(const ConsoleSession&) = delete;

  // Returns the exit status (ExitStatus).
  int run();

 private:
  int connect(bool retry);
  // Waits a second between connection attempts; false when Ctrl-C asked to stop.
  bool pause_before_retry();
  void after_connect();
  void start_watching(std::uint64_t generation);
  void connection_ended(std::uint64_t generation);
  void close_connection();

  int run_one_shot();
  int run_interactive();
  void set_up_prompt(LineEditor& editor);
  // Carries out one typed line; false when the user leaves. `quiet` (replays after a
  // reconnection) prints nothing and records nothing.
  bool execute(const std::string& line, bool quiet = false);
  void run_api(const std::string& command, bool quiet);
  client::ApiOptions api_options(const std::string& command, bool quiet);
  void run_socket_command(const ConsoleCommand& command, const std::string& line, bool quiet);
  CompletionEdit complete(const std::string& line, std::size_t cursor);
  std::string function_key_macro(int key);

  void on_log_line(const client::LogLine& line);
  void on_event(const client::Event& event);
  // "escli: <message>" on stderr (one line).
  void report(const std::string& message);
  // Handles a ClientError of an operation named `what`; returns the exit status it implies.
  int handle_error(const client::ClientError& error, const std::string& what);
  std::string where() const;

  Settings settings_;
  ConsoleOutput& output_;
  Renderer renderer_;
  std::unique_ptr<client::SyncConnection> connection_;
  std::uint64_t generation_ = 0;  // bumped for every connection; stale watchers keep quiet
  std::atomic<std::uint64_t> live_generation_{0};
  std::atomic<bool> closing_{false};
  std::atomic<bool> lost_{false};
  // With -R: where this console stands in each switch's events, so that a reconnection to a
  // gateway replays what was missed (docs/gateway.md) and shows nothing twice.
  std::mutex sequences_mutex_;
  client::EventSequences sequences_;
  bool replay_due_ = false;  // set while reconnecting, used once by after_connect
  std::atomic<protocol::EventFormat> event_format_{protocol::EventFormat::kPlain};

  std::mutex filter_mutex_;  // the filters are read on the connection's thread
  std::string uuid_filter_;
  std::string log_filter_;

  bool command_failed_ = false;      // the last line's reply was -ERR/-USAGE, or it was refused
  std::vector<std::string> replay_;  // lines that changed the connection's state, in order
  std::array<bool, kFunctionKeys> toggled_{};
  std::string switch_name_;
  std::string switch_hostname_;
};

}  // namespace es::apps::escli
