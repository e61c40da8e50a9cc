// escli's command loop: connects (retrying with -r), runs -x commands or reads lines and
// carries them out (api commands, slash commands, Tab completion, function-key macros), prints
// log lines and events as they arrive, and reports every refusal or loss of the connection in
// one line; with -R the client library reconnects (ReconnectPolicy) and restores the log level,
// subscriptions and filters, and escli says so as it happens.
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
  // -R applies to the console (lines from the terminal or stdin); -x commands run once.
  bool reconnecting() const { return settings_.reconnect && settings_.execute.empty(); }
  // Waits a second between connection attempts; false when Ctrl-C asked to stop.
  bool pause_before_retry();
  void after_connect();
  void start_watching(std::uint64_t generation);
  void connection_ended(std::uint64_t generation);
  // -R: the library's word that the connection dropped (it reconnects on its own), and that it
  // reconnected or gave up. Both run on the connection's thread.
  void on_dropped(const std::string& reason);
  void on_reconnect_report(const client::ReconnectInfo& info);
  void close_connection();

  int run_one_shot();
  int run_interactive();
  void set_up_prompt(LineEditor& editor);
  // Carries out one typed line; false when the user leaves.
  bool execute(const std::string& line);
  void run_api(const std::string& command);
  client::ApiOptions api_options(const std::string& command);
  void run_socket_command(const ConsoleCommand& command, const std::string& line);
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
  // -R: the library gave up reconnecting (already reported); the console ends.
  std::atomic<bool> gave_up_{false};
  std::atomic<protocol::EventFormat> event_format_{protocol::EventFormat::kPlain};

  std::mutex filter_mutex_;  // the filters are read on the connection's thread
  std::string uuid_filter_;
  std::string log_filter_;

  bool command_failed_ = false;  // the last line's reply was -ERR/-USAGE, or it was refused
  std::array<bool, kFunctionKeys> toggled_{};
  std::string switch_name_;
  std::string switch_hostname_;
};

}  // namespace es::apps::escli
