// soak: the other scenarios' traffic at once, over and over, for a long time (default one
// hour): fan-out, api, bgapi, calls, connection churn and hostile connections, each kind in a
// loop of its own. Every --sample-interval the daemon's RSS, open descriptors and threads are
// read from /proc. After the warm-up the samples are split in quarters; a figure is "flat" when
// the last quarter's highest value is within the tolerance of the first quarter's highest
// value (maxima, because the figures follow the bursts of the traffic). The loops' own result
// lines go to --detail-log; stdout gets one JSON line for the whole soak.
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "json_line.hpp"
#include "load_runtime.hpp"
#include "process_stats.hpp"
#include "scenarios.hpp"

namespace es::bench {
namespace {

struct Sample {
  double at_s = 0;
  ProcessSample process;
};

struct TrafficKind {
  std::string name;
  std::function<int()> run_once;  // one bounded scenario run; 0 when it went cleanly
  std::uint64_t runs = 0;
  std::uint64_t failed_runs = 0;
};

struct Verdict {
  std::int64_t first_max = 0;
  std::int64_t last_max = 0;
  std::int64_t allowed = 0;
  bool flat = true;
};

Verdict judge(const std::vector<Sample>& samples, std::size_t from,
              std::int64_t ProcessSample::*field, double tolerance, std::int64_t slack) {
  Verdict v;
  std::size_t n = samples.size() - from;
  std::size_t quarter = std::max<std::size_t>(1, n / 4);
  for (std::size_t i = from; i < from + quarter; ++i)
    v.first_max = std::max(v.first_max, samples[i].process.*field);
  for (std::size_t i = samples.size() - quarter; i < samples.size(); ++i)
    v.last_max = std::max(v.last_max, samples[i].process.*field);
  v.allowed = static_cast<std::int64_t>(static_cast<double>(v.first_max) * (1 + tolerance)) + slack;
  v.flat = v.last_max <= v.allowed;
  return v;
}

JsonLine to_json(const Verdict& v) {
  JsonLine json;
  json.add("first_quarter_max", v.first_max)
      .add("last_quarter_max", v.last_max)
      .add("allowed", v.allowed)
      .add("flat", v.flat);
  return json;
}

// The traffic of one loop iteration of each kind: small enough that every kind comes round
// many times in a soak, big enough to load the daemon.
std::vector<TrafficKind> traffic(const CommonOptions& base, const SoakOptions& options) {
  CommonOptions common = base;
  common.timeout_s = options.iteration_timeout_s;
  std::vector<TrafficKind> kinds;
  kinds.push_back({"fanout", [common] {
                     FanoutOptions o;
                     o.subscribers = 20;
                     o.publishers = 2;
                     o.events = 20000;
                     o.rate = 4000;
                     return run_fanout(common, o);
                   }});
  kinds.push_back({"api", [common] {
                     ApiOptions o;
                     o.connections = 4;
                     o.seconds = 10;
                     o.command = "status";
                     return run_api(common, o);
                   }});
  kinds.push_back({"bgapi", [common] {
                     BgapiOptions o;
                     o.connections = 2;
                     o.jobs = 2000;
                     return run_bgapi(common, o);
                   }});
  kinds.push_back({"calls", [common, pid = options.pid] {
                     CallsOptions o;
                     o.connections = 2;
                     o.window = 4;
                     o.seconds = 10;
                     o.pid = pid;
                     return run_calls(common, o);
                   }});
  kinds.push_back({"churn", [common] {
                     ChurnOptions o;
                     o.seconds = 10;
                     o.concurrency = 4;
                     return run_churn(common, o);
                   }});
  kinds.push_back({"hostile", [common, pid = options.pid] {
                     HostileOptions o;
                     o.unauth = 100;
                     o.wrong_passwords = 50;
                     o.cycles = 200;
                     o.concurrency = 20;
                     o.pid = pid;
                     return run_hostile(common, o);
                   }});
  return kinds;
}

}  // namespace

int run_soak(const CommonOptions& common, const SoakOptions& options) {
  Target target;
  if (!make_target(common, target)) return 2;
  auto before = sample_process(options.pid);
  if (!before) {
    fmt::print(stderr, "soak: --pid {} is not a readable process\n", options.pid);
    return 2;
  }
  raise_descriptor_limit();

  // The loops' result lines go to the detail log, this scenario's line to the real stdout.
  std::fflush(stdout);
  int real_stdout = ::dup(STDOUT_FILENO);
  int detail = ::open(options.detail_log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (real_stdout < 0 || detail < 0) {
    fmt::print(stderr, "soak: cannot open --detail-log {}\n", options.detail_log);
    return 2;
  }
  ::dup2(detail, STDOUT_FILENO);
  ::close(detail);

  auto start = Clock::now();
  auto end = start + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(options.seconds));
  std::vector<TrafficKind> kinds = traffic(common, options);
  std::vector<std::thread> loops;
  loops.reserve(kinds.size());
  for (TrafficKind& kind : kinds) {
    loops.emplace_back([&kind, end] {
      while (Clock::now() < end) {
        ++kind.runs;
        if (kind.run_once() != 0) ++kind.failed_runs;
      }
    });
  }

  std::vector<Sample> samples;
  bool daemon_gone = false;
  auto interval = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(options.sample_interval_s));
  for (auto next = start + interval; next <= end; next += interval) {
    std::this_thread::sleep_until(next);
    auto sample = sample_process(options.pid);
    if (!sample) {
      daemon_gone = true;
      break;
    }
    samples.push_back({seconds_between(start, Clock::now()), *sample});
    fmt::print(stderr, "soak: {:7.0f} s  rss {} KB  fds {}  threads {}\n", samples.back().at_s,
               sample->rss_kb, sample->open_fds, sample->threads);
  }
  for (auto& loop : loops) loop.join();
  std::this_thread::sleep_for(std::chrono::duration<double>(options.settle_s));
  auto after = sample_process(options.pid);

  std::fflush(stdout);
  ::dup2(real_stdout, STDOUT_FILENO);
  ::close(real_stdout);

  // Warm-up: the samples taken before warmup_s are not judged.
  std::size_t from = 0;
  while (from < samples.size() && samples[from].at_s < options.warmup_s) ++from;
  bool enough = samples.size() - from >= 4;
  JsonLine out;
  out.add("scenario", "soak")
      .add("label", common.label)
      .add("seconds", options.seconds)
      .add("warmup_s", options.warmup_s)
      .add("samples", static_cast<std::uint64_t>(samples.size()))
      .add("judged_samples", static_cast<std::uint64_t>(samples.size() - from))
      .add("before", to_json(*before));
  bool flat = enough && !daemon_gone;
  if (enough) {
    Verdict rss =
        judge(samples, from, &ProcessSample::rss_kb, options.tolerance, options.rss_slack_kb);
    Verdict fds =
        judge(samples, from, &ProcessSample::open_fds, options.tolerance, options.fd_slack);
    Verdict threads = judge(samples, from, &ProcessSample::threads, 0, options.thread_slack);
    out.add("rss_kb", to_json(rss)).add("fds", to_json(fds)).add("threads", to_json(threads));
    flat = flat && rss.flat && fds.flat && threads.flat;
  }
  if (after) {
    out.add("after", to_json(*after))
        .add("fds_after_minus_before", after->open_fds - before->open_fds)
        .add("threads_after_minus_before", after->threads - before->threads);
  }
  std::uint64_t failed_runs = 0;
  JsonLine runs;
  for (const TrafficKind& kind : kinds) {
    JsonLine k;
    k.add("runs", kind.runs).add("failed", kind.failed_runs);
    runs.add(kind.name, k);
    failed_runs += kind.failed_runs;
  }
  out.add("traffic", runs).add("daemon_gone", daemon_gone).add("flat", flat);
  out.print();
  if (!enough) fmt::print(stderr, "soak: fewer than 4 samples after the warm-up: no verdict\n");
  return flat && failed_runs == 0 ? 0 : 1;
}

}  // namespace es::bench
