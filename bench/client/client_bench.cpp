// client_bench: the client library (eventswitch::client) against a running daemon. Each
// subcommand prints one JSON line, like es_load.
//
//   client_bench api       --port P [--seconds 5]                  sequential api round trips
//   client_bench pipelined --port P [--seconds 5] [--in-flight 64] many api in flight, one conn
//   client_bench events    --port P [--format plain|json] [--events 200000] [--pad-bytes 100]
//
// The client's event loop runs on one thread of its own, and the CPU time of that thread is
// read from the kernel, so "per client CPU second" figures hold whatever else shares the cores
// (the daemon, the publisher).
#include <fmt/core.h>
#include <pthread.h>
#include <CLI/CLI.hpp>
#include <asio/co_spawn.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/use_future.hpp>
#include <ctime>

#include <atomic>
#include <csignal>
#include <future>
#include <thread>

#include "client/connection.hpp"
#include "json_line.hpp"
#include "latency_histogram.hpp"

namespace {

using es::bench::JsonLine;
using es::bench::LatencyHistogram;
using es::client::Connection;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct Target {
  std::string host = "127.0.0.1";
  unsigned short port = 8021;
  std::string password = "ClueCon";
  std::string label;
};

std::int64_t nanoseconds_since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
}

double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

// An io_context served by one thread, with that thread's CPU clock.
class ClientThread {
 public:
  ClientThread() : work_(io_.get_executor()), thread_([this] { io_.run(); }) {
    pthread_getcpuclockid(thread_.native_handle(), &cpu_clock_);
  }
  ~ClientThread() {
    work_.reset();
    io_.stop();
    thread_.join();
  }
  asio::io_context& io() { return io_; }
  double cpu_seconds() const {
    timespec now{};
    clock_gettime(cpu_clock_, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
  }
  // Runs `operation` on the thread and waits for it (rethrowing its exception).
  template <class T>
  T run(asio::awaitable<T> operation) {
    return asio::co_spawn(io_, std::move(operation), asio::use_future).get();
  }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::thread thread_;
  clockid_t cpu_clock_{};
};

void connect(ClientThread& thread, Connection& conn, const Target& target) {
  thread.run(conn.connect(target.host, target.port,
                          es::client::Credentials::password_only(target.password)));
}

// ---- api round trips ---------------------------------------------------------------------

struct ApiTally {
  LatencyHistogram latency;
  std::uint64_t replies = 0;
  std::uint64_t bad_replies = 0;  // empty or -ERR: `api version` always has a body
};

// One caller: `api version`, wait for its response, again, until `end`.
asio::awaitable<void> api_caller(Connection& conn, Clock::time_point end, ApiTally& tally) {
  while (Clock::now() < end) {
    auto sent = Clock::now();
    std::string body = co_await conn.api("version");
    tally.latency.record(nanoseconds_since(sent));
    ++tally.replies;
    if (body.empty() || body.starts_with("-ERR")) ++tally.bad_replies;
  }
}

// `callers` coroutines share one connection: with more than one, that many commands are in
// flight at once and the connection matches their replies in order (FIFO).
JsonLine run_api(const Target& target, double seconds, int callers) {
  ClientThread thread;
  Connection conn(thread.io().get_executor());
  connect(thread, conn, target);
  std::vector<ApiTally> tallies(static_cast<std::size_t>(callers));
  const double cpu_before = thread.cpu_seconds();
  const auto start = Clock::now();
  const auto end =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<std::future<void>> running;
  running.reserve(tallies.size());
  for (auto& tally : tallies) {
    running.push_back(asio::co_spawn(thread.io(), api_caller(conn, end, tally), asio::use_future));
  }
  for (auto& caller : running) caller.get();
  const double wall = seconds_between(start, Clock::now());
  const double cpu = thread.cpu_seconds() - cpu_before;
  thread.run(conn.disconnect());

  ApiTally total;
  for (const auto& tally : tallies) {
    total.latency.merge(tally.latency);
    total.replies += tally.replies;
    total.bad_replies += tally.bad_replies;
  }
  JsonLine line;
  line.add("scenario", callers == 1 ? "client-api" : "client-api-pipelined")
      .add("label", target.label)
      .add("in_flight", callers)
      .add("seconds", wall)
      .add("round_trips", total.replies)
      .add("round_trips_per_s", static_cast<double>(total.replies) / wall)
      .add("bad_replies", total.bad_replies)
      .add("client_cpu_s", cpu)
      .add("client_cpu_us_per_round_trip", cpu * 1e6 / static_cast<double>(total.replies))
      .add_latency("latency", total.latency);
  return line;
}

// ---- events parsed by the client -----------------------------------------------------------

struct EventOptions {
  std::string format = "plain";
  std::uint64_t events = 200'000;
  int in_flight = 64;              // sendevent commands the publisher keeps in flight
  int pad_bytes = 100;             // filler header: about 660 bytes with the daemon's headers
  std::uint64_t backlog = 20'000;  // publisher pauses while this many events are undelivered
  double timeout = 120;
};

// What the receiving connection's event handler sees; it runs on the receiver thread only,
// except `received`, which the publisher reads for its flow control.
struct Intake {
  std::atomic<std::uint64_t> received{0};
  std::uint64_t with_sequence = 0;  // events whose Bench-Seq header was found
  std::uint64_t header_bytes = 0;   // sum of name + value + 3 (": ", newline) over headers
  std::uint64_t target = 0;
  Clock::time_point first_at{}, last_at{};
  double cpu_at_first = 0, cpu_at_last = 0;
  std::promise<void> done;
};

double own_thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

// One publisher coroutine: sendevent after sendevent until `next` reaches the total.
asio::awaitable<void> publish(Connection& conn, const EventOptions& options, Intake& intake,
                              std::atomic<std::uint64_t>& next, const std::string& pad) {
  asio::steady_timer pause(co_await asio::this_coro::executor);
  for (;;) {
    std::uint64_t seq = next.fetch_add(1);
    if (seq >= options.events) co_return;
    while (seq > intake.received.load() + options.backlog) {
      pause.expires_after(200us);
      co_await pause.async_wait(asio::use_awaitable);
    }
    // Built outside the co_await expression: GCC 12 rejects a braced list inside it.
    std::vector<es::client::Header> headers;
    headers.push_back({"Event-Subclass", "bench::client"});
    headers.push_back({"Bench-Seq", std::to_string(seq)});
    headers.push_back({"Bench-Pad", pad});
    co_await conn.sendevent("CUSTOM", std::move(headers));
  }
}

JsonLine run_events(const Target& target, const EventOptions& options) {
  Intake intake;
  intake.target = options.events;
  ClientThread receiver_thread;
  ClientThread publisher_thread;
  Connection receiver(receiver_thread.io().get_executor());
  Connection publisher(publisher_thread.io().get_executor());
  connect(receiver_thread, receiver, target);
  connect(publisher_thread, publisher, target);

  // The handler does what a consumer minimally does: look a header up. Its cost, with the
  // reading, framing and parsing of the event, is the receiver thread's CPU time.
  receiver.set_event_handler([&intake](const es::client::Event& event) {
    std::uint64_t count = intake.received.load(std::memory_order_relaxed) + 1;
    if (count == 1) {
      intake.first_at = Clock::now();
      intake.cpu_at_first = own_thread_cpu_seconds();
    }
    if (event.header("Bench-Seq")) ++intake.with_sequence;
    for (const auto& header : event.headers) {
      intake.header_bytes += header.name.size() + header.value.size() + 3;
    }
    intake.received.store(count, std::memory_order_release);
    if (count == intake.target) {
      intake.last_at = Clock::now();
      intake.cpu_at_last = own_thread_cpu_seconds();
      intake.done.set_value();
    }
  });
  auto format = options.format == "json" ? es::protocol::EventFormat::kJson
                                         : es::protocol::EventFormat::kPlain;
  receiver_thread.run(receiver.subscribe(format, "CUSTOM bench::client"));

  const std::string pad(static_cast<std::size_t>(options.pad_bytes), 'x');
  std::atomic<std::uint64_t> next{0};
  std::vector<std::future<void>> publishers;
  publishers.reserve(static_cast<std::size_t>(options.in_flight));
  for (int i = 0; i < options.in_flight; ++i) {
    publishers.push_back(asio::co_spawn(
        publisher_thread.io(), publish(publisher, options, intake, next, pad), asio::use_future));
  }
  for (auto& running : publishers) running.get();
  auto finished = intake.done.get_future();
  const bool complete = finished.wait_for(std::chrono::duration<double>(options.timeout)) ==
                        std::future_status::ready;
  const std::uint64_t received = intake.received.load();
  receiver_thread.run(receiver.disconnect());
  publisher_thread.run(publisher.disconnect());

  JsonLine line;
  line.add("scenario", "client-events")
      .add("label", target.label)
      .add("format", options.format)
      .add("events", options.events)
      .add("received", received)
      .add("complete", complete)
      .add("with_sequence_header", intake.with_sequence);
  if (complete) {
    // From the first event to the last; counts the events after the first.
    const double wall = seconds_between(intake.first_at, intake.last_at);
    const double cpu = intake.cpu_at_last - intake.cpu_at_first;
    const auto counted = static_cast<double>(options.events - 1);
    line.add("seconds", wall)
        .add("events_per_s", counted / wall)
        .add("client_cpu_s", cpu)
        .add("client_cpu_share", cpu / wall)
        .add("events_per_client_cpu_s", counted / cpu)
        .add("client_cpu_us_per_event", cpu * 1e6 / counted)
        .add("decoded_bytes_per_event",
             static_cast<double>(intake.header_bytes) / static_cast<double>(received));
  }
  return line;
}

void add_target(CLI::App& command, Target& target) {
  command.add_option("--host", target.host, "daemon address");
  command.add_option("--port", target.port, "daemon port")->required();
  command.add_option("--password", target.password, "event socket password");
  command.add_option("--label", target.label, "free text copied into the result");
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"client_bench: the client library against a daemon (one JSON line per run)"};
  app.require_subcommand(1);
  Target target;
  double seconds = 5;
  int in_flight = 64;
  EventOptions events;

  auto* api = app.add_subcommand("api", "sequential `api version` round trips, one connection");
  add_target(*api, target);
  api->add_option("--seconds", seconds)->check(CLI::Range(0.1, 3600.0));

  auto* pipelined = app.add_subcommand("pipelined", "`api version` with many in flight");
  add_target(*pipelined, target);
  pipelined->add_option("--seconds", seconds)->check(CLI::Range(0.1, 3600.0));
  pipelined->add_option("--in-flight", in_flight)->check(CLI::Range(1, 10000));

  auto* intake = app.add_subcommand("events", "events received and parsed by one client");
  add_target(*intake, target);
  intake->add_option("--format", events.format)->check(CLI::IsMember({"plain", "json"}));
  intake->add_option("--events", events.events)->check(CLI::Range(2, 100'000'000));
  intake->add_option("--in-flight", events.in_flight, "publisher sendevents in flight")
      ->check(CLI::Range(1, 10000));
  intake->add_option("--pad-bytes", events.pad_bytes)->check(CLI::Range(0, 1'000'000));
  intake->add_option("--timeout", events.timeout, "seconds")->check(CLI::Range(1.0, 3600.0));
  CLI11_PARSE(app, argc, argv);

  try {
    JsonLine line = api->parsed()         ? run_api(target, seconds, 1)
                    : pipelined->parsed() ? run_api(target, seconds, in_flight)
                                          : run_events(target, events);
    line.print();
  } catch (const std::exception& error) {
    fmt::print(stderr, "client_bench: {}\n", error.what());
    return 1;
  }
  return 0;
}
