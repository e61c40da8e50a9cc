// dialer: places one call and follows it to its end, with the asynchronous client
// (es::client::Connection and C++20 coroutines).
//
//   dialer [--port 8021] [--dial loopback/9998] [--app '&park()'] [--hangup-after SEC]
//
// Steps: connect; pick the call's UUID ourselves (origination_uuid) and filter on it, so that
// only this call's events arrive; subscribe to the channel events; `bgapi originate`, which
// completes with the BACKGROUND_JOB ("+OK <uuid>" or "-ERR <cause>"); print each event of the
// call up to CHANNEL_HANGUP_COMPLETE, then a summary. Exit status: 0 when the call was
// answered, 1 when it was not, 2 on a connection error or timeout.
//
// The default destination, loopback/9998 in eventswitch's embedded dialplan, answers, plays a
// one-second tone and hangs up; with a destination that stays up (loopback/9999 parks) use
// --hangup-after to end the call with uuid_kill.
#include <fmt/core.h>
#include <CLI/CLI.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <charconv>
#include <chrono>
#include <exception>
#include <optional>

#include "client/connection.hpp"

namespace {

using namespace std::chrono_literals;
using es::client::Event;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string host = "127.0.0.1";
  unsigned short port = 8021;
  std::string password = "ClueCon";
  std::string dial = "loopback/9998";
  std::string app = "&park()";
  double hangup_after = 0;  // seconds after the answer; 0: wait for the far end
  double timeout = 30;      // seconds for the whole call
};

// A numeric header (0 when absent or not a number).
std::int64_t number(const Event& event, std::string_view name) {
  std::string_view text = event.header_or(name);
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

// Channel times (Caller-Channel-*-Time) are microseconds since the epoch, 0 when not reached.
double seconds_between(const Event& event, std::string_view from, std::string_view to) {
  return static_cast<double>(number(event, to) - number(event, from)) / 1e6;
}

void print_summary(const Event& hangup, const std::string& dial) {
  std::string_view uuid = hangup.header_or("Unique-ID");
  std::string_view cause = hangup.header_or("Hangup-Cause", "?");
  if (number(hangup, "Caller-Channel-Answered-Time") == 0) {
    fmt::print("summary: call {} to {} was not answered, cause {}\n", uuid, dial, cause);
    return;
  }
  fmt::print(
      "summary: call {} to {} answered after {:.3f} s, talked {:.3f} s, cause {}\n", uuid, dial,
      seconds_between(hangup, "Caller-Channel-Created-Time", "Caller-Channel-Answered-Time"),
      seconds_between(hangup, "Caller-Channel-Answered-Time", "Caller-Channel-Hangup-Time"), cause);
}

asio::awaitable<int> dial(const Options& options) {
  es::client::Connection conn(co_await asio::this_coro::executor);
  co_await conn.connect(options.host, options.port,
                        es::client::Credentials::password_only(options.password));

  // Only this call's events: the filter lets through events whose Unique-ID is ours (the
  // library keeps its own BACKGROUND_JOB events flowing past the filter).
  const std::string uuid = es::client::make_uuid();
  co_await conn.filter("Unique-ID", uuid);
  co_await conn.subscribe(es::protocol::EventFormat::kPlain,
                          "CHANNEL_CREATE CHANNEL_PROGRESS CHANNEL_PROGRESS_MEDIA CHANNEL_ANSWER "
                          "CHANNEL_EXECUTE CHANNEL_HANGUP CHANNEL_HANGUP_COMPLETE");

  // bgapi returns at once; the job ends when originate does (answer or failure). Meanwhile
  // the call's events wait in the connection's queue.
  es::client::BackgroundJob job = co_await conn.bgapi("originate {origination_uuid=" + uuid + "}" +
                                                      options.dial + " " + options.app);
  fmt::print("originate: {}", job.body);
  if (!job.body.starts_with("+OK")) co_return 1;

  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(options.timeout));
  std::optional<Clock::time_point> kill_at;  // set at the answer with --hangup-after
  std::int64_t first_event_us = 0;
  bool answered = false;
  for (;;) {
    const auto now = Clock::now();
    if (now >= deadline) {
      fmt::print("timed out waiting for the call to end\n");
      co_return 2;
    }
    if (kill_at && now >= *kill_at) {
      kill_at.reset();
      fmt::print("hanging up: {}", co_await conn.api("uuid_kill " + uuid));
      continue;
    }
    auto wait = std::chrono::ceil<std::chrono::milliseconds>((kill_at ? *kill_at : deadline) - now);
    std::optional<Event> event = co_await conn.next_event(std::max(wait, 1ms));
    if (!event) {
      if (!conn.is_open()) {
        fmt::print("connection ended: {}\n", conn.close_reason());
        co_return 2;
      }
      continue;  // a timer is due
    }

    // One line per event: time since the first one (Event-Date-Timestamp, microseconds).
    std::int64_t at_us = number(*event, "Event-Date-Timestamp");
    if (first_event_us == 0) first_event_us = at_us;
    fmt::print("{:8.3f} s  {:<24} {}", static_cast<double>(at_us - first_event_us) / 1e6,
               event->name(), event->header_or("Channel-State"));
    if (event->name() == "CHANNEL_EXECUTE") fmt::print(" {}", event->header_or("Application"));
    fmt::print("\n");

    if (event->name() == "CHANNEL_ANSWER") {
      answered = true;
      if (options.hangup_after > 0) {
        kill_at = Clock::now() + std::chrono::ceil<std::chrono::milliseconds>(
                                     std::chrono::duration<double>(options.hangup_after));
      }
    } else if (event->name() == "CHANNEL_HANGUP_COMPLETE") {
      print_summary(*event, options.dial);
      break;
    }
  }
  co_await conn.disconnect();
  co_return answered ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App cli("Places one call through the event socket and follows its events.");
  cli.add_option("--host", options.host, "event socket address");
  cli.add_option("--port", options.port, "event socket port");
  cli.add_option("--password", options.password, "event socket password");
  cli.add_option("--dial", options.dial, "dial string of the call");
  cli.add_option("--app", options.app, "what the answered leg runs: '&app(args)' or an extension");
  cli.add_option("--hangup-after", options.hangup_after, "seconds after the answer to hang up");
  cli.add_option("--timeout", options.timeout, "seconds to wait for the end of the call");
  CLI11_PARSE(cli, argc, argv);

  asio::io_context io;
  int status = 2;
  asio::co_spawn(io, dial(options), [&](const std::exception_ptr& error, int result) {
    status = result;
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {  // ClientError: connect, auth, timeout, disconnect
      fmt::print(stderr, "dialer: {}\n", e.what());
      status = 2;
    }
  });
  io.run();
  return status;
}
