// outbound: es_load is the application server of outbound mode. It listens on a free loopback
// port; an inbound connection places N loopback calls at once with
//   bgapi originate 'loopback/m:^:socket:127.0.0.1:<port> async full/default/inline' &park()
// so the B-leg of each call runs the `socket` application and connects back to us. Every
// accepted connection plays a small IVR the way an ESL client does: `connect`, `myevents`,
// then `sendmsg` execute answer, playback of silence, hangup, each one waited for through its
// CHANNEL_EXECUTE_COMPLETE (matched by Event-UUID), and finally reads until the daemon sends
// its disconnect notice and closes. A third connection counts CHANNEL_HANGUP_COMPLETE per leg.
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <unordered_set>
#include <vector>

#include "call_driver.hpp"
#include "json_line.hpp"
#include "scenario_blocks.hpp"
#include "scenarios.hpp"

namespace es::bench {
namespace {

Clock::duration seconds(double value) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(value));
}

// Milestones of one outbound connection (CLOCK_MONOTONIC ns, 0 = not reached).
struct SessionRecord {
  std::int64_t accepted_ns = 0;
  std::int64_t connected_ns = 0;  // the CHANNEL_DATA reply to `connect` arrived
  std::int64_t answer_sent_ns = 0;
  std::int64_t answered_ns = 0;  // EXECUTE_COMPLETE of answer
  std::int64_t playback_sent_ns = 0;
  std::int64_t played_ns = 0;  // EXECUTE_COMPLETE of playback
  std::int64_t hangup_sent_ns = 0;
  std::int64_t closed_ns = 0;  // the daemon closed the socket
  bool disconnect_notice = false;
  bool hangup_complete_seen = false;  // CHANNEL_HANGUP_COMPLETE on this socket (myevents)
  bool completed = false;
  std::uint64_t events = 0;
  std::string error;  // first deviation from the script
};

// Counters the scenario's main coroutine watches while the sessions run (they may run on
// other event loops, hence atomics).
struct OutboundShared {
  std::atomic<std::uint64_t> accepted{0};
  std::atomic<std::uint64_t> connected{0};
  std::atomic<std::uint64_t> completed{0};
  std::atomic<std::uint64_t> ended{0};  // completed or failed
  std::atomic<std::int64_t> open{0};
  std::atomic<std::int64_t> peak_open{0};
  std::atomic<std::int64_t> last_connected_ns{0};
  std::atomic<std::int64_t> last_completed_ns{0};
  // Most calls between their B-leg's connection and their originate's BACKGROUND_JOB: how
  // many originates the daemon was running at once.
  std::int64_t max_in_setup = 0;  // accept loop only
};

struct OriginatorResult {
  std::uint64_t originated = 0;    // bgapi originate sent
  std::uint64_t acknowledged = 0;  // "+OK Job-UUID"
  std::uint64_t rejected_commands = 0;
  std::uint64_t answered = 0;  // BACKGROUND_JOB "+OK <uuid>"
  std::uint64_t originate_failures = 0;
  LatencyHistogram originate_latency;  // launch -> its BACKGROUND_JOB
  std::string first_failure;
  std::atomic<bool> done{false};
};

struct HangupCount {
  std::atomic<bool> ready{false};
  std::atomic<bool> failed{false};
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> a_legs{0};  // Call-Direction outbound: the originated leg
  std::atomic<std::uint64_t> b_legs{0};  // inbound: the leg that ran `socket`
  std::string error;
};

struct OutboundRun {
  OutboundShared shared;
  std::vector<std::unique_ptr<SessionRecord>> sessions;  // appended by the accept loop only
  OriginatorResult originator;
  HangupCount hangups;
  std::string originate_args;
  std::string limits_reply;
  std::optional<ProcessSample> before, all_connected, after;
  ProcessPeak peak;
  std::atomic<bool> stop_watching{false};
  std::atomic<bool> stop_accepting{false};
  std::int64_t start_ns = 0;
  std::int64_t sessions_left = -1;
  double wall_s = 0;
  bool done = false;
  std::string error;
};

// What the IVR waits for after each sendmsg: its command/reply and the CHANNEL_EXECUTE_COMPLETE
// carrying our Event-UUID (in either order). Returns an error text, empty on success.
asio::awaitable<std::string> await_execution(Connection& connection, std::string_view app_uuid,
                                             std::string_view app, SessionRecord& record) {
  bool replied = false;
  bool executed = false;
  protocol::Message message;
  while (!replied || !executed) {
    if (auto ec = co_await connection.read_message(message)) {
      co_return fmt::format("{}: {}", app, ec.message());
    }
    auto type = message.content_type();
    if (type == "command/reply") {
      if (!reply_text(message).starts_with("+OK")) {
        co_return fmt::format("{}: sendmsg replied {}", app, reply_text(message));
      }
      replied = true;
    } else if (type == "text/event-plain") {
      ++record.events;
      auto event = protocol::parse_header_block(message.body, false);
      const std::string* name = event.header("Event-Name");
      if (!name) continue;
      if (*name == "CHANNEL_HANGUP_COMPLETE") record.hangup_complete_seen = true;
      if (*name != "CHANNEL_EXECUTE_COMPLETE") continue;
      const std::string* uuid = event.header("Application-UUID");
      if (uuid && *uuid == app_uuid) executed = true;
    } else if (type == "text/disconnect-notice") {
      co_return fmt::format("{}: disconnected before it completed", app);
    }
  }
  co_return std::string();
}

std::string execute_packet(std::string_view app, std::string_view arg, std::string_view uuid) {
  std::string packet = fmt::format("sendmsg\ncall-command: execute\nexecute-app-name: {}\n", app);
  if (!arg.empty()) packet += fmt::format("execute-app-arg: {}\n", arg);
  if (!uuid.empty()) packet += fmt::format("Event-UUID: {}\n", uuid);
  packet += "\n";
  return packet;
}

asio::awaitable<std::string> run_ivr(Connection& connection, const OutboundOptions& options,
                                     const std::string& uuid_prefix, OutboundShared& shared,
                                     SessionRecord& record) {
  // The first packet must be `connect`: its reply is the CHANNEL_DATA event itself.
  if (auto ec = co_await connection.send("connect\n\n")) co_return "connect: " + ec.message();
  protocol::Message message;
  if (auto ec = co_await connection.read_message(message)) co_return "connect: " + ec.message();
  const std::string* reply = message.header("Reply-Text");
  if (message.content_type() != "command/reply" || !reply ||
      !(reply->starts_with("%2BOK") || reply->starts_with("+OK")) || !message.header("Unique-ID")) {
    co_return "connect: the reply is not a CHANNEL_DATA command/reply";
  }
  record.connected_ns = monotonic_ns();
  ++shared.connected;
  shared.last_connected_ns = record.connected_ns;

  if (auto ec = co_await connection.command("myevents\n\n", "+OK")) {
    co_return "myevents: " + ec.message();
  }
  record.answer_sent_ns = monotonic_ns();
  if (auto ec = co_await connection.send(execute_packet("answer", "", uuid_prefix + "1"))) {
    co_return "answer: " + ec.message();
  }
  if (auto error = co_await await_execution(connection, uuid_prefix + "1", "answer", record);
      !error.empty()) {
    co_return error;
  }
  record.answered_ns = monotonic_ns();
  record.playback_sent_ns = record.answered_ns;
  if (auto ec = co_await connection.send(
          execute_packet("playback", options.playback, uuid_prefix + "2"))) {
    co_return "playback: " + ec.message();
  }
  if (auto error = co_await await_execution(connection, uuid_prefix + "2", "playback", record);
      !error.empty()) {
    co_return error;
  }
  record.played_ns = monotonic_ns();
  record.hangup_sent_ns = record.played_ns;
  if (auto ec = co_await connection.send(execute_packet("hangup", "", ""))) {
    co_return "hangup: " + ec.message();
  }
  // Without linger the daemon ends the connection once the call is hung up: the disconnect
  // notice (Content-Disposition: disconnect), then end of stream.
  for (;;) {
    std::error_code ec = co_await connection.read_message(message);
    if (ec) break;
    auto type = message.content_type();
    if (type == "text/event-plain") {
      ++record.events;
      auto event = protocol::parse_header_block(message.body, false);
      const std::string* name = event.header("Event-Name");
      if (name && *name == "CHANNEL_HANGUP_COMPLETE") record.hangup_complete_seen = true;
    } else if (type == "text/disconnect-notice") {
      const std::string* disposition = message.header("Content-Disposition");
      if (disposition && *disposition == "disconnect") record.disconnect_notice = true;
    }
  }
  record.closed_ns = monotonic_ns();
  if (!record.disconnect_notice) co_return "closed without a disconnect notice";
  co_return std::string();
}

asio::awaitable<void> outbound_session(std::shared_ptr<Connection> connection,
                                       const OutboundOptions& options, std::string uuid_prefix,
                                       OutboundShared& shared, SessionRecord& record) {
  // A stuck session must not hold the run: close it after session_timeout.
  asio::steady_timer limit(co_await asio::this_coro::executor);
  limit.expires_after(seconds(options.session_timeout_s));
  limit.async_wait([connection](std::error_code ec) {
    if (!ec) connection->close();
  });
  std::string error = co_await run_ivr(*connection, options, uuid_prefix, shared, record);
  limit.cancel();
  connection->close();
  if (record.closed_ns == 0) record.closed_ns = monotonic_ns();
  if (error.empty()) {
    record.completed = true;
    ++shared.completed;
    shared.last_completed_ns = record.closed_ns;
  } else {
    record.error = std::move(error);
  }
  --shared.open;
  ++shared.ended;
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, LoadRuntime& runtime,
                                  const OutboundOptions& options, std::string job_prefix,
                                  OutboundRun& run) {
  std::uint64_t index = 0;
  while (!run.stop_accepting.load()) {
    asio::io_context& loop = runtime.io(index);
    auto connection = std::make_shared<Connection>(loop.get_executor(), 16384);
    std::error_code ec;
    co_await acceptor.async_accept(connection->socket(),
                                   asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec != asio::error::operation_aborted && run.error.empty()) {
        run.error = "accept: " + ec.message();
      }
      break;
    }
    connection->socket().set_option(tcp::no_delay(true), ec);
    run.sessions.push_back(std::make_unique<SessionRecord>());
    SessionRecord& record = *run.sessions.back();
    record.accepted_ns = monotonic_ns();
    ++run.shared.accepted;
    std::int64_t open = ++run.shared.open;
    std::int64_t peak = run.shared.peak_open.load();
    while (open > peak && !run.shared.peak_open.compare_exchange_weak(peak, open)) {
    }
    auto jobs_done =
        static_cast<std::int64_t>(run.originator.answered + run.originator.originate_failures);
    run.shared.max_in_setup = std::max(
        run.shared.max_in_setup, static_cast<std::int64_t>(run.shared.accepted.load()) - jobs_done);
    // Event-UUIDs of this session: <job prefix>-<index>-<step>.
    std::string uuid_prefix = fmt::format("{}-{:04x}-4000-8000-{:011x}", job_prefix,
                                          (index >> 44) & 0xffff, index & 0xfffffffffff);
    asio::co_spawn(loop,
                   outbound_session(std::move(connection), options, std::move(uuid_prefix),
                                    run.shared, record),
                   asio::detached);
    ++index;
  }
}

// One connection places every call: all `bgapi originate` packets in one write (as fast as
// the daemon reads them), then replies and BACKGROUND_JOB events are read until every job has
// reported.
asio::awaitable<void> originator(const Target& target, const OutboundOptions& options,
                                 std::string job_prefix, OutboundRun& run) {
  OriginatorResult& result = run.originator;
  Connection connection(co_await asio::this_coro::executor, 65536);
  std::error_code ec = co_await connection.open(target);
  if (!ec) ec = co_await connection.command("event plain BACKGROUND_JOB\n\n", "+OK");
  if (ec) {
    result.first_failure = "originator: " + ec.message();
    result.done = true;
    co_return;
  }
  std::string packet;
  std::unordered_set<std::string> pending;
  for (std::uint64_t i = 0; i < options.sessions; ++i) {
    std::string job = fmt::format("{}-ffff-4000-8000-{:012x}", job_prefix, i);
    fmt::format_to(std::back_inserter(packet), "bgapi originate {}\nJob-UUID: {}\n\n",
                   run.originate_args, job);
    pending.insert(std::move(job));
  }
  run.start_ns = monotonic_ns();
  result.originated = options.sessions;
  ec = co_await connection.send(packet);
  protocol::Message message;
  std::uint64_t replies = 0;
  while (!ec && (!pending.empty() || replies < options.sessions)) {
    ec = co_await connection.read_message(message);
    if (ec) break;
    if (message.content_type() == "command/reply") {
      ++replies;
      if (reply_text(message).starts_with("+OK Job-UUID")) {
        ++result.acknowledged;
      } else {
        ++result.rejected_commands;
        if (result.first_failure.empty()) result.first_failure = std::string(reply_text(message));
      }
      continue;
    }
    if (message.content_type() != "text/event-plain") continue;
    auto event = protocol::parse_header_block(message.body, false);
    const std::string* job = event.header("Job-UUID");
    if (!job || pending.erase(*job) == 0) continue;
    result.originate_latency.record(monotonic_ns() - run.start_ns);
    if (event.body.starts_with("+OK")) {
      ++result.answered;
    } else {
      ++result.originate_failures;
      if (result.first_failure.empty()) result.first_failure = event.body;
    }
  }
  if (ec && result.first_failure.empty()) result.first_failure = "originator: " + ec.message();
  if (!ec) co_await connection.command("exit\n\n", "+OK bye");
  connection.close();
  result.done = true;
}

asio::awaitable<void> hangup_counter(const Target& target, HangupCount& count) {
  Connection connection(co_await asio::this_coro::executor, 65536);
  std::error_code ec = co_await connection.open(target);
  if (!ec) ec = co_await connection.command("event plain CHANNEL_HANGUP_COMPLETE\n\n", "+OK");
  if (ec) {
    count.error = ec.message();
    count.failed = true;
    co_return;
  }
  count.ready = true;
  protocol::Message message;
  while (!count.stop.load()) {
    ec = co_await connection.read_message(message);
    if (ec) {
      if (!count.stop.load()) count.error = ec.message();
      break;
    }
    if (message.content_type() != "text/event-plain") continue;
    auto event = protocol::parse_header_block(message.body, false);
    const std::string* name = event.header("Event-Name");
    if (!name || *name != "CHANNEL_HANGUP_COMPLETE") continue;
    const std::string* direction = event.header("Call-Direction");
    if (direction && *direction == "outbound") {
      ++count.a_legs;
    } else {
      ++count.b_legs;
    }
  }
  connection.close();
}

asio::awaitable<void> outbound_main(const Target& target, const OutboundOptions& options,
                                    LoadRuntime& runtime, OutboundRun& run) {
  auto executor = co_await asio::this_coro::executor;
  Connection control(executor);
  if (auto ec = co_await control.open(target)) {
    run.error = "control: " + ec.message();
    runtime.stop();
    co_return;
  }
  // Defaults are FreeSWITCH's (1,000 sessions, 30 new per second); one call is two sessions.
  run.limits_reply = co_await raise_session_limits(
      control, std::max<std::uint64_t>(2 * options.sessions + 1000, 1000), options.sps);
  fmt::print(stderr, "outbound: raised the daemon's limits: {}\n",
             run.limits_reply.empty() ? "(failed)" : run.limits_reply);

  tcp::acceptor acceptor(executor);
  std::error_code ec;
  tcp::endpoint local(target.endpoint.address(), 0);
  acceptor.open(local.protocol(), ec);
  if (!ec) acceptor.bind(local, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    run.error = "listen: " + ec.message();
    runtime.stop();
    co_return;
  }
  std::string host = target.endpoint.address().is_v6()
                         ? fmt::format("[{}]", target.endpoint.address().to_string())
                         : target.endpoint.address().to_string();
  // Quoted: the socket application's arguments hold spaces, and originate splits on them.
  // With --pre-answer the B-leg's dialplan has early media before `socket`: originate returns
  // then instead of at the IVR's answer, so each call holds a daemon api worker for less time.
  run.originate_args =
      fmt::format("'loopback/m:^:{}socket:{}:{} async full/default/inline' &park()",
                  options.pre_answer ? "pre_answer^" : "", host, acceptor.local_endpoint().port());
  std::string job_prefix = random_job_prefix();
  asio::co_spawn(executor, accept_loop(acceptor, runtime, options, job_prefix, run),
                 asio::detached);
  asio::co_spawn(executor, hangup_counter(target, run.hangups), asio::detached);
  while (!run.hangups.ready.load() && !run.hangups.failed.load()) {
    co_await sleep_for(std::chrono::milliseconds(1));
  }
  run.before = sample_process(options.pid);
  asio::co_spawn(
      executor,
      watch_process(options.pid, std::chrono::milliseconds(10), run.stop_watching, run.peak),
      asio::detached);

  auto start = Clock::now();
  asio::co_spawn(executor, originator(target, options, job_prefix, run), asio::detached);
  auto deadline = start + seconds(options.run_limit_s);
  auto& shared = run.shared;
  auto finished = [&] {
    std::uint64_t answered = run.originator.answered;
    return run.originator.done.load() && shared.ended.load() == shared.accepted.load() &&
           shared.accepted.load() >= answered && run.hangups.a_legs.load() >= answered &&
           run.hangups.b_legs.load() >= answered;
  };
  while (!finished() && Clock::now() < deadline && !run.hangups.failed.load()) {
    if (!run.all_connected && shared.connected.load() == options.sessions) {
      run.all_connected = sample_process(options.pid);
    }
    co_await sleep_for(std::chrono::milliseconds(2));
  }
  run.wall_s = seconds_between(start, Clock::now());
  run.stop_watching = true;
  run.stop_accepting = true;
  acceptor.close(ec);
  run.hangups.stop = true;
  run.sessions_left = co_await wait_for_sessions(control, 0, std::chrono::seconds(5));
  run.after = sample_process(options.pid);
  co_await control.command("exit\n\n", "+OK bye");
  control.close();
  run.done = true;
  runtime.stop();
}

double ms_between(std::int64_t from_ns, std::int64_t to_ns) {
  return static_cast<double>(to_ns - from_ns) / 1e6;
}

}  // namespace

int run_outbound(const CommonOptions& common, const OutboundOptions& options) {
  Target target;
  if (!make_target(common, target) || options.sessions < 1) return 2;
  if (!sample_process(options.pid)) {
    fmt::print(stderr, "outbound: --pid {} is not a readable process\n", options.pid);
    return 2;
  }
  raise_descriptor_limit();
  OutboundRun run;  // outlives the runtime: suspended coroutines refer to it
  LoadRuntime runtime(common.threads);
  asio::co_spawn(runtime.io(0), outbound_main(target, options, runtime, run), asio::detached);
  bool finished = runtime.run(seconds(common.timeout_s));

  LatencyHistogram connect, answer, playback, hangup, duration;
  std::uint64_t failed = 0, without_notice = 0, events = 0, hangup_complete_on_socket = 0;
  std::string first_session_error;
  for (const auto& record : run.sessions) {
    const SessionRecord& r = *record;
    events += r.events;
    if (r.hangup_complete_seen) ++hangup_complete_on_socket;
    if (r.connected_ns) connect.record(r.connected_ns - r.accepted_ns);
    if (r.answered_ns) answer.record(r.answered_ns - r.answer_sent_ns);
    if (r.played_ns) playback.record(r.played_ns - r.playback_sent_ns);
    if (r.completed) {
      hangup.record(r.closed_ns - r.hangup_sent_ns);
      duration.record(r.closed_ns - r.accepted_ns);
    } else {
      ++failed;
      if (r.hangup_sent_ns && !r.disconnect_notice) ++without_notice;
      if (first_session_error.empty()) first_session_error = r.error;
    }
  }
  const OriginatorResult& origin = run.originator;
  std::uint64_t accepted = run.shared.accepted.load();
  std::uint64_t connected = run.shared.connected.load();
  std::uint64_t completed = run.shared.completed.load();
  std::int64_t last_connected = run.shared.last_connected_ns.load();
  std::int64_t last_completed = run.shared.last_completed_ns.load();
  double setup_s = connected && run.start_ns ? ms_between(run.start_ns, last_connected) / 1e3 : 0;
  double elapsed_s = completed && run.start_ns ? ms_between(run.start_ns, last_completed) / 1e3 : 0;
  auto peak_open = run.shared.peak_open.load();

  JsonLine out;
  out.add("scenario", "outbound")
      .add("label", common.label)
      .add("originate", run.originate_args)
      .add("playback", options.playback)
      .add("sessions_requested", options.sessions)
      .add("limits", run.limits_reply)
      .add("originated", origin.originated)
      .add("originate_acknowledged", origin.acknowledged)
      .add("rejected_commands", origin.rejected_commands)
      .add("originate_answered", origin.answered)
      .add("originate_failures", origin.originate_failures)
      .add("sessions_accepted", accepted)
      .add("sessions_connected", connected)
      .add("sessions_completed", completed)
      .add("sessions_failed", failed)
      .add("closed_without_notice", without_notice)
      .add("a_legs_hangup_complete", run.hangups.a_legs.load())
      .add("b_legs_hangup_complete", run.hangups.b_legs.load())
      .add("hangup_complete_on_socket", hangup_complete_on_socket)
      .add("peak_concurrent_sessions", peak_open)
      .add("max_calls_in_setup", run.shared.max_in_setup)
      .add("setup_s", setup_s)
      .add("elapsed_s", elapsed_s)
      .add("sessions_per_s", elapsed_s > 0 ? static_cast<double>(completed) / elapsed_s : 0.0)
      .add_latency("originate_latency", origin.originate_latency)
      .add_latency("connect_latency", connect)
      .add_latency("answer_latency", answer)
      .add_latency("playback_latency", playback)
      .add_latency("hangup_latency", hangup)
      .add_latency("session_duration", duration)
      .add("events_per_session",
           accepted ? static_cast<double>(events) / static_cast<double>(accepted) : 0.0);
  if (run.before) out.add("before", to_json(*run.before));
  if (run.all_connected) out.add("all_connected", to_json(*run.all_connected));
  if (run.peak.samples) out.add("peak", to_json(run.peak.peak));
  if (run.after) out.add("after", to_json(*run.after));
  if (run.before && run.peak.samples && peak_open > 0) {
    auto delta = run.peak.peak.rss_kb - run.before->rss_kb;
    out.add("rss_peak_delta_kb", delta)
        .add("kb_per_concurrent_session",
             static_cast<double>(delta) / static_cast<double>(peak_open));
  }
  out.add("sessions_left", run.sessions_left).add("wall_s", run.wall_s).add("timed_out", !finished);
  std::string first_error = !run.error.empty()              ? run.error
                            : !origin.first_failure.empty() ? origin.first_failure
                            : !run.hangups.error.empty()    ? run.hangups.error
                                                            : first_session_error;
  if (!first_error.empty()) out.add("first_error", first_error);
  out.print();
  bool clean = finished && run.done && origin.answered == options.sessions &&
               accepted == options.sessions && connected == options.sessions &&
               completed == options.sessions && run.hangups.a_legs.load() == options.sessions &&
               run.hangups.b_legs.load() == options.sessions && origin.rejected_commands == 0 &&
               run.sessions_left == 0;
  return clean ? 0 : 1;
}

}  // namespace es::bench
