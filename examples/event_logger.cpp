// event_logger: subscribes to events and prints each one, with the blocking client
// (es::client::SyncConnection).
//
//   event_logger [--port 8021] [--format plain|json] [--events "ALL"] [--output line|json]
//                [--count N] [--seconds S]
//
// --format is how the server sends the events (text/event-plain or text/event-json); the
// library parses both into the same es::client::Event, so the output does not depend on it.
// --output line prints one summary line per event; --output json prints every event as one
// JSON object per line (JSON lines), headers in the order the server sent them.
// It stops after --count events or --seconds seconds (0: never), on Ctrl-C, or when the
// server ends the connection.
#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <atomic>
#include <csignal>
#include <set>

#include "client/sync_connection.hpp"
#include "protocol/escape.hpp"

namespace {

using es::client::Event;
using Clock = std::chrono::steady_clock;

std::atomic<bool> interrupted{false};

// `text` as a JSON string literal (the protocol layer escapes as FreeSWITCH's JSON does).
std::string json_string(std::string_view text) {
  std::string out = "\"";
  es::protocol::json_escape_append(out, text);
  out += '"';
  return out;
}

// {"Event-Name":"...",...,"_body":"..."}. A header repeated in the event (CHANNEL_HANGUP_COMPLETE
// carries Hangup-Cause twice) is written once, with its first value, as lookups see it.
std::string as_json_line(const Event& event) {
  std::string line = "{";
  std::set<std::string, std::less<>> written;
  for (const auto& header : event.headers) {
    if (!written.insert(header.name).second) continue;
    if (line.size() > 1) line += ',';
    line += json_string(header.name) + ':' + json_string(header.value);
  }
  if (!event.body.empty()) {
    if (line.size() > 1) line += ',';
    line += "\"_body\":" + json_string(event.body);
  }
  return line + "}";
}

// "HEARTBEAT", "CUSTOM example::thing", "CHANNEL_ANSWER <uuid> CS_EXECUTE"... then a few
// headers that say what happened, when the event has them.
std::string as_summary_line(const Event& event) {
  std::string line = fmt::format("{} {}", event.header_or("Event-Date-Local", "-"), event.name());
  for (std::string_view name : {"Event-Subclass", "Unique-ID", "Channel-State", "Application",
                                "Hangup-Cause", "Job-Command"}) {
    if (const std::string* value = event.header(name)) line += fmt::format(" {}={}", name, *value);
  }
  if (!event.body.empty()) line += fmt::format(" body={}b", event.body.size());
  return line;
}

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  unsigned short port = 8021;
  std::string password = "ClueCon";
  std::string format = "plain";
  std::string events = "ALL";
  std::string output = "line";
  long count = 0;
  double seconds = 0;
  CLI::App cli("Prints the events of an event socket server, one per line.");
  cli.add_option("--host", host, "event socket address");
  cli.add_option("--port", port, "event socket port");
  cli.add_option("--password", password, "event socket password");
  cli.add_option("--format", format, "event format on the wire")
      ->check(CLI::IsMember({"plain", "json"}));
  cli.add_option("--events", events,
                 "event names to subscribe to, e.g. \"CHANNEL_ANSWER "
                 "CHANNEL_HANGUP\" or \"CUSTOM my::class\"");
  cli.add_option("--output", output, "one summary line or one JSON object per event")
      ->check(CLI::IsMember({"line", "json"}));
  cli.add_option("--count", count, "stop after this many events (0: no limit)");
  cli.add_option("--seconds", seconds, "stop after this many seconds (0: no limit)");
  CLI11_PARSE(cli, argc, argv);

  std::signal(SIGINT, [](int) { interrupted = true; });
  std::signal(SIGTERM, [](int) { interrupted = true; });

  try {
    es::client::SyncConnection conn;
    conn.connect(host, port, es::client::Credentials::password_only(password));
    auto wire_format =
        format == "json" ? es::protocol::EventFormat::kJson : es::protocol::EventFormat::kPlain;
    es::client::Reply reply = conn.subscribe(wire_format, events);
    if (!reply.ok()) {
      fmt::print(stderr, "event_logger: subscribing to {} failed: {}\n", events, reply.text);
      return 1;
    }
    // On stderr, so that stdout holds only events (and a script can wait for this line).
    fmt::print(stderr, "event_logger: subscribed to {} ({})\n", events, format);

    const auto deadline = Clock::now() + std::chrono::duration<double>(seconds);
    long printed = 0;
    while (!interrupted && (count == 0 || printed < count) &&
           (seconds == 0 || Clock::now() < deadline)) {
      // A short wait, so that Ctrl-C and the time limit are noticed promptly.
      std::optional<Event> event = conn.next_event(std::chrono::milliseconds(200));
      if (!event) {
        if (!conn.is_open()) {
          fmt::print(stderr, "event_logger: connection ended: {}\n", conn.close_reason());
          return 1;
        }
        continue;
      }
      fmt::print("{}\n", output == "json" ? as_json_line(*event) : as_summary_line(*event));
      std::fflush(stdout);  // one line at a time, also into a pipe
      ++printed;
    }
    conn.disconnect();
  } catch (const es::client::ClientError& error) {
    fmt::print(stderr, "event_logger: {}\n", error.what());
    return 1;
  }
  return 0;
}
