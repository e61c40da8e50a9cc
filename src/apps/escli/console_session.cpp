#include "apps/escli/console_session.hpp"

#include <poll.h>
#include <unistd.h>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <csignal>

#include <fmt/format.h>

#include <chrono>
#include <string_view>

#include "apps/escli/completion.hpp"
#include "protocol/ascii.hpp"

namespace es::apps::escli {
namespace {

using client::ClientError;
using namespace std::chrono_literals;

constexpr int kRetryAttempts = 120;  // fs_cli's -r: about two minutes, once a second
constexpr auto kRetryPause = 1s;

ConsoleOutput* g_interrupt_output = nullptr;

extern "C" void on_sigint(int) {
  if (g_interrupt_output) g_interrupt_output->signal_interrupt();
}

// One line: the library's reasons may carry the server's multi-line texts.
std::string one_line(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

std::string trimmed_reply(std::string body) {
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r' || body.back() == ' ')) {
    body.pop_back();
  }
  return body;
}

// What --strict counts as a failed command.
bool is_failure_reply(std::string_view body) {
  return body.starts_with("-ERR") || body.starts_with("-USAGE");
}

RenderStyle style_of(const Settings& settings, bool terminal) {
  RenderStyle style;
  style.color = settings.profile.color && !settings.profile.batch_mode && terminal;
  style.json = settings.profile.json;
  style.log_uuid = settings.profile.log_uuid;
  style.log_uuid_length = settings.profile.log_uuid_length;
  style.output_color = settings.profile.output_text_color;
  return style;
}

}  // namespace

ConsoleSession::ConsoleSession(Settings settings, ConsoleOutput& output)
    : settings_(std::move(settings)),
      output_(output),
      renderer_(style_of(settings_, isatty(STDOUT_FILENO) != 0)),
      uuid_filter_(settings_.log_uuid_filter) {}

ConsoleSession::~ConsoleSession() {
  close_connection();
  if (g_interrupt_output == &output_) {
    std::signal(SIGINT, SIG_DFL);
    g_interrupt_output = nullptr;
  }
}

std::string ConsoleSession::where() const {
  return fmt::format("{}:{}", settings_.profile.host, settings_.profile.port);
}

void ConsoleSession::report(const std::string& message) {
  output_.print("escli: " + one_line(message) + "\n", Stream::kErr);
}

int ConsoleSession::handle_error(const ClientError& error, const std::string& what) {
  switch (error.kind()) {
    case ClientError::Kind::kTimeout:
      report(fmt::format("{}: no reply within {} ms", what, settings_.profile.timeout.count()));
      return kExitTimeout;
    case ClientError::Kind::kAccessDenied:
    case ClientError::Kind::kAuthFailed:
      report(fmt::format("{}: {}", where(), error.what()));
      return kExitRefused;
    case ClientError::Kind::kDisconnected:
    case ClientError::Kind::kNotConnected:
    case ClientError::Kind::kConnectFailed:
      if (reconnecting() && !gave_up_) {
        // -R: the library is reconnecting; this line is lost, the console goes on.
        report(fmt::format("{}: {}", what, error.what()));
        return kExitOk;
      }
      // The watcher saw (or will see) the end too; the command loop reports it once.
      lost_ = true;
      output_.abort_reading();
      return kExitConnectionFailed;
    case ClientError::Kind::kCommandRejected:
    case ClientError::Kind::kChannelHungUp:  // escli runs no execute(); reported like -ERR
      report(fmt::format("{}: {}", what, error.what()));
      return kExitOk;
  }
  return kExitConnectionFailed;
}

int ConsoleSession::connect(bool retry) {
  const Profile& profile = settings_.profile;
  client::ConnectionOptions options;
  options.connect_timeout = profile.connect_timeout;
  options.command_timeout = profile.timeout;
  options.tls.enabled = profile.tls;
  options.tls.ca_file = profile.tls_ca;
  options.tls.cert_file = profile.tls_cert;
  options.tls.key_file = profile.tls_key;
  if (reconnecting()) {
    // As fs_cli -R: once a second, 120 times, then give up. A gateway replays what was missed
    // meanwhile (docs/gateway.md); the library drops what it then receives twice.
    options.reconnect.enabled = true;
    options.reconnect.initial_backoff = kRetryPause;
    options.reconnect.max_backoff = kRetryPause;
    options.reconnect.multiplier = 1.0;
    options.reconnect.max_attempts = kRetryAttempts;
    options.reconnect.replay = true;
  }
  client::Credentials credentials =
      profile.user.empty() ? client::Credentials::password_only(profile.password)
                           : client::Credentials::directory_user(profile.user, profile.password);
  int attempts = retry ? kRetryAttempts : 1;
  for (int attempt = 1;; ++attempt) {
    close_connection();
    auto connection = std::make_unique<client::SyncConnection>(options);
    connection->set_log_handler([this](const client::LogLine& line) { on_log_line(line); });
    // Events are printed on the connection's thread as they arrive, like replies (run_api),
    // so the output keeps the wire's order.
    connection->set_event_handler([this](const client::Event& event) { on_event(event); });
    if (reconnecting()) {
      connection->set_disconnect_handler([this](const std::string& reason) { on_dropped(reason); });
      connection->set_reconnect_handler(
          [this](const client::ReconnectInfo& info) { on_reconnect_report(info); });
    }
    try {
      connection->connect(profile.host, profile.port, credentials);
      if (attempt > 1) report(fmt::format("connected to {} (attempt {})", where(), attempt));
      connection_ = std::move(connection);
      closing_ = false;
      lost_ = false;
      output_.clear_abort();
      ++generation_;
      live_generation_ = generation_;
      start_watching(generation_);
      return kExitOk;
    } catch (const ClientError& error) {
      bool refused = error.kind() == ClientError::Kind::kAccessDenied ||
                     error.kind() == ClientError::Kind::kAuthFailed;
      if (refused) {
        report(fmt::format("{}: {}", where(), error.what()));
        return kExitRefused;
      }
      if (attempt >= attempts) {
        report(error.what());
        return error.kind() == ClientError::Kind::kTimeout ? kExitTimeout : kExitConnectionFailed;
      }
      if (attempt == 1) {
        report(fmt::format("{}; retrying once a second ({} attempts)", error.what(), attempts));
      }
    }
    if (!pause_before_retry()) {
      report(fmt::format("gave up connecting to {} (interrupted)", where()));
      return kExitConnectionFailed;
    }
  }
}

bool ConsoleSession::pause_before_retry() {
  // Ctrl-C (when escli catches it) wakes the pipe: the user wants out, not two more minutes.
  pollfd wake{output_.wake_fd(), POLLIN, 0};
  auto deadline = std::chrono::steady_clock::now() + kRetryPause;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return true;
    if (poll(&wake, 1, static_cast<int>(left.count())) > 0 && output_.take_pending().interrupted) {
      return false;
    }
  }
}

void ConsoleSession::start_watching(std::uint64_t generation) {
  client::Connection& connection = connection_->async();
  asio::co_spawn(
      connection.executor(),
      [this, &connection, generation]() -> asio::awaitable<void> {
        try {
          // Events go to the handler: this wait ends with the connection.
          while (co_await connection.next_event()) {
          }
        } catch (const std::exception&) {
          // Ended while waiting: reported below like any other end.
        }
        connection_ended(generation);
      },
      asio::detached);
}

void ConsoleSession::connection_ended(std::uint64_t generation) {
  if (closing_ || generation != live_generation_) return;
  lost_ = true;
  output_.abort_reading();
}

void ConsoleSession::on_dropped(const std::string& reason) {
  if (closing_) return;
  report(fmt::format("disconnected from {}: {}", where(),
                     reason.empty() ? "connection closed" : reason));
  report(fmt::format("reconnecting to {} (once a second, {} attempts)", where(), kRetryAttempts));
}

void ConsoleSession::on_reconnect_report(const client::ReconnectInfo& info) {
  if (closing_) return;
  if (!info.reconnected) {
    report(fmt::format("gave up reconnecting to {} after {} attempt(s): {}", where(), info.attempts,
                       info.last_error.empty() ? info.reason : info.last_error));
    gave_up_ = true;
    lost_ = true;
    output_.abort_reading();
    return;
  }
  // The library has restored the log level, /event, /filter and /log by now.
  report(fmt::format("reconnected to {} (attempt {})", where(), info.attempts));
  if (info.replayed_events > 0 || info.lost_events > 0) {
    report(fmt::format("replayed {} missed event(s){}", info.replayed_events,
                       info.lost_events ? fmt::format(", {} lost", info.lost_events) : ""));
  }
}

void ConsoleSession::close_connection() {
  if (!connection_) return;
  closing_ = true;
  connection_.reset();
}

void ConsoleSession::after_connect() {
  if (!settings_.profile.quiet) {
    std::string level = settings_.profile.log_level.empty() ? "debug" : settings_.profile.log_level;
    try {
      client::Reply reply = connection_->log(level);
      if (!reply.ok()) report(fmt::format("log {}: {}", level, reply.text));
    } catch (const ClientError& error) {
      handle_error(error, "log " + level);
    }
  }
}

int ConsoleSession::run() {
  std::signal(SIGPIPE, SIG_IGN);
  if (int status = connect(settings_.retry); status != kExitOk) return status;
  if (!settings_.execute.empty()) return run_one_shot();
  return run_interactive();
}

int ConsoleSession::run_one_shot() {
  int status = kExitOk;
  for (const auto& command : settings_.execute) {
    try {
      std::string body = connection_->api(command, api_options(command));
      if (settings_.strict && is_failure_reply(body)) {
        status = kExitCommandFailed;
        break;
      }
    } catch (const ClientError& error) {
      int status = handle_error(error, command);
      if (lost_) {
        report(fmt::format("connection to {} lost: {}", where(), connection_->close_reason()));
      }
      close_connection();
      if (status == kExitOk) return settings_.strict ? kExitCommandFailed : kExitConnectionFailed;
      return status;
    }
  }
  closing_ = true;
  connection_->disconnect();
  close_connection();
  return status;
}

void ConsoleSession::set_up_prompt(LineEditor& editor) {
  auto ask = [&](const std::string& command) -> std::string {
    try {
      std::string body = trimmed_reply(connection_->api(command));
      return body.starts_with("-ERR") || body.starts_with("-USAGE") ? std::string() : body;
    } catch (const ClientError&) {
      return {};
    }
  };
  switch_name_ = ask("switchname");
  switch_hostname_ = ask("hostname");
  if (switch_name_.empty()) switch_name_ = ask("global_getvar hostname");
  if (switch_name_.empty()) switch_name_ = switch_hostname_;
  if (switch_name_.empty()) switch_name_ = settings_.profile.name;

  const Profile& profile = settings_.profile;
  std::string text;
  if (!profile.prompt_string.empty()) {
    char local[256] = "";
    gethostname(local, sizeof local - 1);
    PromptFacts facts{switch_name_, local,        switch_hostname_,
                      profile.name, profile.host, profile.port};
    text = expand_prompt(profile.prompt_string, facts) + "> ";
  } else {
    text = fmt::format("freeswitch@{}> ", switch_name_);
  }
  bool color = renderer_.style().color;
  editor.set_prompt(text, color ? profile.prompt_color : std::string(),
                    color ? profile.input_text_color : std::string());
}

int ConsoleSession::run_interactive() {
  bool terminal = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
  bool interactive = terminal && !settings_.profile.batch_mode;
  std::unique_ptr<LineEditor> editor;
  std::unique_ptr<PlainLineReader> plain;
  if (interactive) {
    EditorHooks hooks;
    hooks.complete = [this](const std::string& line, std::size_t cursor) {
      return complete(line, cursor);
    };
    hooks.function_key_macro = [this](int key) { return function_key_macro(key); };
    hooks.run_macro = [this](const std::string& line) { return execute(line) && !lost_; };
    editor = std::make_unique<LineEditor>(output_, std::move(hooks));
    set_up_prompt(*editor);
    if (!settings_.history_path.empty()) editor->load_history(settings_.history_path);
    if (!settings_.allow_interrupt) {
      g_interrupt_output = &output_;
      std::signal(SIGINT, on_sigint);
    }
    if (!settings_.profile.json) {
      output_.print(fmt::format(
          "escli connected to {} (switch {}). /help lists the commands, /exit leaves.\n", where(),
          switch_name_));
    }
  } else {
    plain = std::make_unique<PlainLineReader>(output_);
  }
  after_connect();

  int status = kExitOk;
  for (;;) {
    if (lost_) {
      // With -R the library reconnects by itself: lost_ then means it gave up (reported).
      if (!gave_up_) {
        std::string reason = connection_ ? connection_->close_reason() : std::string();
        report(fmt::format("disconnected from {}: {}", where(),
                           reason.empty() ? "connection closed" : reason));
      }
      status = kExitConnectionFailed;
      break;
    }
    std::optional<std::string> line = editor ? editor->read_line() : plain->read_line();
    if (lost_) continue;
    if (!line) break;
    if (editor && !line->empty()) {
      editor->remember(*line);
      if (!settings_.history_path.empty()) editor->save_history(settings_.history_path);
    }
    command_failed_ = false;
    if (!execute(*line)) break;
    if (settings_.strict && !interactive && command_failed_) {
      status = kExitCommandFailed;
      break;
    }
  }
  if (connection_ && !lost_) {
    closing_ = true;
    connection_->disconnect();
  }
  close_connection();
  return status;
}

bool ConsoleSession::execute(const std::string& line) {
  ConsoleCommand command = parse_console_line(line);
  auto say = [&](const std::string& text) { output_.print(renderer_.command_reply(line, text)); };
  switch (command.kind) {
    case ConsoleCommandKind::kEmpty:
      return true;
    case ConsoleCommandKind::kQuit:
      return false;
    case ConsoleCommandKind::kHelp:
      output_.print(console_help());
      return true;
    case ConsoleCommandKind::kApi: {
      // fs_cli's habit: "console loglevel <x>" also sets the level of this connection's log.
      static constexpr std::string_view kConsoleLogLevel = "console loglevel ";
      if (command.argument.size() > kConsoleLogLevel.size() &&
          protocol::iequals(std::string_view(command.argument).substr(0, kConsoleLogLevel.size()),
                            kConsoleLogLevel)) {
        execute("/log " + command.argument.substr(kConsoleLogLevel.size()));
      }
      run_api(command.argument);
      return true;
    }
    case ConsoleCommandKind::kUuid: {
      std::lock_guard lock(filter_mutex_);
      uuid_filter_ = command.argument;
      say(uuid_filter_.empty() ? "log lines of every call"
                               : "log lines of call " + uuid_filter_ + " only");
      return true;
    }
    case ConsoleCommandKind::kLogFilter: {
      std::lock_guard lock(filter_mutex_);
      log_filter_ = command.argument;
      say(log_filter_.empty() ? "log filter off"
                              : "log lines containing \"" + log_filter_ + "\" only");
      return true;
    }
    case ConsoleCommandKind::kUnknown:
      command_failed_ = true;
      report(fmt::format("unknown command /{} (/help lists them)", command.word));
      return true;
    default:
      run_socket_command(command, line);
      return true;
  }
}

client::ApiOptions ConsoleSession::api_options(const std::string& command) {
  // As fs_cli: the switch runs the line as its console would (";;", aliases). The reply is
  // printed where it arrived among the events, before those the command caused.
  client::ApiOptions options{.console_execute = true};
  options.on_reply = [this, command](const std::string& body) {
    output_.print(renderer_.api_reply(command, body));
  };
  return options;
}

void ConsoleSession::run_api(const std::string& command) {
  try {
    std::string body = connection_->api(command, api_options(command));
    if (is_failure_reply(body)) command_failed_ = true;
  } catch (const ClientError& error) {
    if (handle_error(error, command) == kExitOk) command_failed_ = true;
  }
}

void ConsoleSession::run_socket_command(const ConsoleCommand& command, const std::string& line) {
  auto usage = [&](const char* text) {
    command_failed_ = true;
    report(fmt::format("usage: {}", text));
  };
  std::optional<client::Reply> reply;
  try {
    switch (command.kind) {
      case ConsoleCommandKind::kEvent: {
        EventRequest request = parse_event_request(command.argument);
        if (request.events.empty()) return usage("/event [plain|json|xml] <event names>|ALL");
        reply = connection_->subscribe(request.format, request.events);
        if (reply->ok()) event_format_ = request.format;
        break;
      }
      case ConsoleCommandKind::kNixEvent:
        if (command.argument.empty()) return usage("/nixevent <event names>");
        reply = connection_->unsubscribe(command.argument);
        break;
      case ConsoleCommandKind::kNoEvents:
        reply = connection_->unsubscribe_all();
        break;
      case ConsoleCommandKind::kLog:
        reply = connection_->log(command.argument.empty() ? "debug" : command.argument);
        break;
      case ConsoleCommandKind::kNoLog:
        reply = connection_->nolog();
        break;
      case ConsoleCommandKind::kFilter: {
        FilterRequest request = parse_filter_request(command.argument);
        if (request.header.empty() || (!request.remove && request.value.empty())) {
          return usage("/filter <header> <value> | /filter delete <header> [<value>]");
        }
        reply = request.remove ? connection_->filter_delete(request.header, request.value)
                               : connection_->filter(request.header, request.value);
        break;
      }
      default:
        break;
    }
  } catch (const ClientError& error) {
    if (handle_error(error, line) == kExitOk) command_failed_ = true;
    return;
  }
  if (!reply) return;
  if (!reply->ok()) command_failed_ = true;
  output_.print(renderer_.command_reply(line, reply->text));
}

CompletionEdit ConsoleSession::complete(const std::string& line, std::size_t cursor) {
  try {
    return complete_line(line, cursor,
                         [this](const std::string& command) { return connection_->api(command); });
  } catch (const ClientError& error) {
    handle_error(error, "console_complete");
    return {};
  }
}

std::string ConsoleSession::function_key_macro(int key) {
  if (key < 1 || key > static_cast<int>(kFunctionKeys)) return {};
  auto index = static_cast<std::size_t>(key - 1);
  const std::string& toggle = settings_.profile.function_keys_toggle[index];
  if (!toggle.empty() && toggled_[index]) {
    toggled_[index] = false;
    return toggle;
  }
  toggled_[index] = true;
  return settings_.profile.function_keys[index];
}

void ConsoleSession::on_log_line(const client::LogLine& line) {
  {
    std::lock_guard lock(filter_mutex_);
    if (!uuid_filter_.empty()) {
      const std::string* uuid = protocol::find_header(line.headers, "User-Data");
      if (uuid && !uuid->empty() && !protocol::iequals(*uuid, uuid_filter_)) return;
    }
    if (!log_filter_.empty() && line.text.find(log_filter_) == std::string::npos) return;
  }
  output_.print(renderer_.log_line(line));
}

void ConsoleSession::on_event(const client::Event& event) {
  output_.print(renderer_.event(event, event_format_.load()));
}

}  // namespace es::apps::escli
