// hostile: at the same time, U unauthenticated connections held open (each optionally sending
// a flood of header lines that never ends its block), W wrong-password attempts and C
// connect/auth/exit cycles; meanwhile a separate connection measures `api version` latency
// (quiet first, then under attack). The daemon's RSS is sampled while the connections are held
// (RSS per unauthenticated connection), and afterwards compared with the start: everything
// must have been released.
#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "json_line.hpp"
#include "scenario_blocks.hpp"
#include "scenarios.hpp"

namespace es::bench {
namespace {

Clock::duration seconds(double value) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(value));
}

struct AttackTally {
  std::uint64_t done = 0;
  std::uint64_t failures = 0;  // the server answered differently from the protocol
  LatencyHistogram latency;
  std::string error;
};

struct HostileState {
  std::optional<ProcessSample> before, held, after;
  std::uint64_t flood_sent = 0;  // bytes the server took from all flooding connections
  double flood_s = 0;
  // attack: from the first connection of the attack to its end; held: for up to 10 s once all
  // unauthenticated connections are open and have sent their flood (before the daemon's 25 s
  // authentication deadline closes them).
  ProbeResult quiet_probe, attack_probe, held_probe;
  ProcessPeak peak;
  OpenedConnections unauth;
  AttackTally wrong, cycles;
  double unauth_open_s = 0, attack_s = 0;
  std::uint64_t unauth_closed_by_server = 0;  // the daemon's unauthenticated timeout at work
  std::atomic<bool> quiet_stop{false}, attack_stop{false}, held_stop{false}, watch_stop{false};
  bool done = false;
};

// connect, read auth/request, `auth <wrong>`, expect "-ERR invalid" then the close.
asio::awaitable<std::error_code> wrong_password_attempt(const Target& target, std::uint64_t n) {
  Connection connection(co_await asio::this_coro::executor, 1024);
  protocol::Message message;
  std::error_code ec = co_await connection.connect(target.endpoint);
  if (!ec) ec = co_await connection.read_message(message);
  if (!ec && message.content_type() != "auth/request") ec = LoadError::kUnexpectedMessage;
  if (!ec)
    ec = co_await connection.command(fmt::format("auth not-{}-{}\n\n", target.password, n),
                                     "-ERR invalid");
  connection.close();
  co_return ec;
}

// How many of the held connections the server has already closed: reads without blocking
// until end of stream (closed) or "would block" (still open).
std::uint64_t count_closed_by_server(std::vector<std::unique_ptr<Connection>>& connections) {
  std::uint64_t closed = 0;
  char buffer[512];
  for (auto& connection : connections) {
    std::error_code ec;
    connection->socket().non_blocking(true, ec);
    while (!ec) connection->socket().read_some(asio::buffer(buffer), ec);
    if (ec != asio::error::would_block) ++closed;
  }
  return closed;
}

// Every connection sends `bytes` of "a:b" lines, as much as the server takes without
// blocking, round after round until all is sent or `give_up`.
asio::awaitable<std::uint64_t> flood_all(std::vector<std::unique_ptr<Connection>>& connections,
                                         std::size_t bytes, Clock::time_point give_up) {
  std::string pattern;
  while (pattern.size() < 65536) pattern += "a:b\n";
  std::vector<std::size_t> sent(connections.size(), 0);
  std::uint64_t total = 0;
  bool pending = true;
  while (pending && Clock::now() < give_up) {
    pending = false;
    for (std::size_t i = 0; i < connections.size(); ++i) {
      auto& socket = connections[i]->socket();
      std::error_code ec;
      socket.non_blocking(true, ec);
      while (!ec && sent[i] < bytes) {
        // The pattern is whole lines, so any prefix continues the block seamlessly.
        std::size_t offset = sent[i] % 4;
        std::size_t length = std::min(bytes - sent[i], pattern.size() - offset);
        std::size_t n = socket.write_some(asio::buffer(pattern.data() + offset, length), ec);
        sent[i] += n;
        total += n;
      }
      if (sent[i] < bytes && ec == asio::error::would_block) pending = true;
    }
    if (pending) co_await sleep_for(std::chrono::milliseconds(20));
  }
  co_return total;
}

// Runs `total` attempts of `attempt` with `concurrency` workers on the current executor.
template <typename Attempt>
asio::awaitable<void> run_attempts(std::uint64_t total, int concurrency, Clock::time_point give_up,
                                   AttackTally& tally, Attempt attempt) {
  auto executor = co_await asio::this_coro::executor;
  auto next = std::make_shared<std::uint64_t>(0);
  auto running = std::make_shared<int>(0);
  auto worker = [&tally, &attempt, total, give_up, next, running]() -> asio::awaitable<void> {
    while (*next < total && Clock::now() < give_up) {
      std::uint64_t n = (*next)++;
      std::int64_t before = monotonic_ns();
      if (auto ec = co_await attempt(n)) {
        ++tally.failures;
        if (tally.error.empty()) tally.error = ec.message();
      } else {
        tally.latency.record(monotonic_ns() - before);
        ++tally.done;
      }
    }
    --*running;
  };
  int workers = static_cast<int>(std::min<std::uint64_t>(
      static_cast<std::uint64_t>(std::max(concurrency, 1)), std::max<std::uint64_t>(total, 1)));
  for (int i = 0; i < workers; ++i) {
    ++*running;
    asio::co_spawn(executor, worker(), asio::detached);
  }
  while (*running > 0) co_await sleep_for(std::chrono::milliseconds(2));
}

asio::awaitable<void> hostile_main(const Target& target, const CommonOptions& common,
                                   const HostileOptions& options, HostileState& state,
                                   LoadRuntime& runtime) {
  auto executor = co_await asio::this_coro::executor;
  auto interval = seconds(options.probe_interval_ms / 1000.0);
  auto give_up = Clock::now() + seconds(common.timeout_s * 0.8);
  state.before = sample_process(options.pid);
  asio::co_spawn(
      executor,
      watch_process(options.pid, std::chrono::milliseconds(100), state.watch_stop, state.peak),
      asio::detached);

  // Reference latency without attack.
  asio::co_spawn(executor, api_probe(target, interval, state.quiet_stop, state.quiet_probe),
                 asio::detached);
  co_await sleep_for(std::chrono::seconds(1));
  state.quiet_stop = true;

  asio::co_spawn(executor, api_probe(target, interval, state.attack_stop, state.attack_probe),
                 asio::detached);
  auto attack_start = Clock::now();
  auto remaining = std::make_shared<int>(2);
  asio::co_spawn(
      executor,
      [&, remaining]() -> asio::awaitable<void> {
        co_await run_attempts(
            static_cast<std::uint64_t>(options.wrong_passwords), options.concurrency, give_up,
            state.wrong, [&target](std::uint64_t n) { return wrong_password_attempt(target, n); });
        --*remaining;
      },
      asio::detached);
  asio::co_spawn(
      executor,
      [&, remaining]() -> asio::awaitable<void> {
        co_await run_attempts(static_cast<std::uint64_t>(options.cycles), options.concurrency,
                              give_up, state.cycles,
                              [&target](std::uint64_t) { return auth_exit_cycle(target); });
        --*remaining;
      },
      asio::detached);
  // All unauthenticated connections at once (connect and read the challenge, send nothing).
  co_await open_many(target, options.unauth, options.unauth, false, state.unauth);
  state.unauth_open_s = seconds_between(attack_start, Clock::now());
  if (options.flood_bytes > 0) {
    auto flood_start = Clock::now();
    state.flood_sent = co_await flood_all(state.unauth.connections, options.flood_bytes,
                                          flood_start + seconds(options.flood_s));
    state.flood_s = seconds_between(flood_start, Clock::now());
  }
  // Let the server take in what was sent, then look at what the held connections cost.
  co_await sleep_for(std::chrono::seconds(1));
  state.held = sample_process(options.pid);
  asio::co_spawn(executor, api_probe(target, interval, state.held_stop, state.held_probe),
                 asio::detached);
  asio::co_spawn(
      executor,
      [&state]() -> asio::awaitable<void> {
        co_await sleep_for(std::chrono::seconds(10));
        state.held_stop = true;
      },
      asio::detached);
  auto hold_until = Clock::now() + seconds(options.hold_s);
  while (*remaining > 0 || Clock::now() < hold_until) {
    co_await sleep_for(std::chrono::milliseconds(5));
  }
  state.attack_s = seconds_between(attack_start, Clock::now());
  state.attack_stop = true;
  state.held_stop = true;

  state.unauth_closed_by_server = count_closed_by_server(state.unauth.connections);
  for (auto& connection : state.unauth.connections) connection->close();
  // The daemon hands freed memory back on its next one-second tick after a mass close.
  co_await sleep_for(std::chrono::seconds(3));
  state.watch_stop = true;
  state.after = sample_process(options.pid);
  state.done = true;
  runtime.stop();
}

JsonLine tally_json(const AttackTally& tally, std::uint64_t requested) {
  JsonLine json;
  json.add("requested", requested)
      .add("completed", tally.done)
      .add("failures", tally.failures)
      .add_latency("latency", tally.latency);
  if (!tally.error.empty()) json.add("first_error", tally.error);
  return json;
}

}  // namespace

int run_hostile(const CommonOptions& common, const HostileOptions& options) {
  Target target;
  if (!make_target(common, target)) return 2;
  if (!sample_process(options.pid)) {
    fmt::print(stderr, "hostile: --pid {} is not a readable process\n", options.pid);
    return 2;
  }
  raise_descriptor_limit();
  LoadRuntime runtime(1);
  HostileState state;
  asio::co_spawn(runtime.io(0), hostile_main(target, common, options, state, runtime),
                 asio::detached);
  bool finished = runtime.run(seconds(common.timeout_s));

  JsonLine unauth;
  unauth.add("requested", options.unauth)
      .add("held", static_cast<std::uint64_t>(state.unauth.connections.size()))
      .add("failures", state.unauth.failures)
      .add("open_s", state.unauth_open_s)
      .add("closed_by_server", state.unauth_closed_by_server)
      .add("flood_bytes_each", static_cast<std::uint64_t>(options.flood_bytes))
      .add("flood_bytes_taken", state.flood_sent)
      .add("flood_s", state.flood_s);
  if (state.before && state.held && !state.unauth.connections.empty()) {
    unauth.add("rss_per_connection_kb",
               static_cast<double>(state.held->rss_kb - state.before->rss_kb) /
                   static_cast<double>(state.unauth.connections.size()));
  }
  if (!state.unauth.first_error.empty()) unauth.add("first_error", state.unauth.first_error);
  JsonLine out;
  out.add("scenario", "hostile")
      .add("label", common.label)
      .add("attack_s", state.attack_s)
      .add("unauthenticated", unauth)
      .add("wrong_passwords",
           tally_json(state.wrong, static_cast<std::uint64_t>(options.wrong_passwords)))
      .add("cycles", tally_json(state.cycles, static_cast<std::uint64_t>(options.cycles)))
      .add_latency("probe_quiet", state.quiet_probe.latency)
      .add_latency("probe_under_attack", state.attack_probe.latency)
      .add_latency("probe_while_held", state.held_probe.latency)
      .add("probe_errors",
           state.quiet_probe.errors + state.attack_probe.errors + state.held_probe.errors);
  if (state.before) out.add("before", to_json(*state.before));
  if (state.held) out.add("held", to_json(*state.held));
  if (state.peak.samples) out.add("peak", to_json(state.peak.peak));
  if (state.after) out.add("after", to_json(*state.after));
  if (state.before && state.after) {
    out.add("rss_delta_kb", state.after->rss_kb - state.before->rss_kb)
        .add("fds_delta", state.after->open_fds - state.before->open_fds);
  }
  out.add("timed_out", !finished);
  out.print();
  bool clean = state.wrong.failures == 0 && state.cycles.failures == 0 &&
               state.unauth.failures == 0 && state.attack_probe.errors == 0 &&
               state.held_probe.errors == 0;
  return finished && state.done && clean ? 0 : 1;
}

}  // namespace es::bench
