// The es_load subcommands. Each runs a bounded scenario against a server and prints one JSON
// line of results; the return value is the process exit status (0: scenario completed).
#pragma once

#include <cstdint>
#include <string>

#include "load_connection.hpp"

namespace es::bench {

struct CommonOptions {
  std::string host = "127.0.0.1";
  int port = 8021;
  std::string password = "ClueCon";
  int threads = 1;         // load tool event-loop threads
  double timeout_s = 120;  // hard bound on the whole scenario
  std::string label;       // copied into the JSON line to tell runs apart
};

struct FanoutOptions {
  int subscribers = 10;
  std::string format = "plain";
  std::uint64_t events = 10000;  // in total, split over the publishers
  int publishers = 1;
  int window = 16;
  double rate = 0;  // total events/s; 0: as fast as possible
  std::size_t pad_bytes = 0;
  double drain_s = 5;  // how long to wait for stragglers after the last send
  // Subscribers connect to this TLS port (publishers stay on --port), trusting --ca.
  int tls_port = 0;
  std::string ca_file;
  // Publishers' port when it differs from the subscribers' (0: the same): a gateway's
  // subscribers with the events fired at its upstream.
  int publish_port = 0;
};

struct ApiOptions {
  int connections = 1;
  double seconds = 5;
  std::string command = "version";
  std::uint64_t max_requests = 10'000'000;  // per connection
};

struct BgapiOptions {
  int connections = 1;
  std::uint64_t jobs = 1000;  // in total
  std::string command = "version";
  int window = 16;  // bgapi commands in flight per connection
};

struct ChurnOptions {
  double seconds = 5;
  int concurrency = 10;
  std::uint64_t max_cycles = 200'000;
};

struct IdleOptions {
  int connections = 1000;
  int pid = 0;
  int connect_concurrency = 200;
  double hold_s = 2;  // time between the last connection and the "after" sample
};

struct HostileOptions {
  int unauth = 3000;
  int wrong_passwords = 2000;
  int cycles = 5000;
  int pid = 0;
  int concurrency = 100;          // in-flight wrong-password attempts and cycles
  double probe_interval_ms = 10;  // spacing of the `api version` probes
  // Bytes of "a:b" header lines (never a blank line) each held unauthenticated connection
  // sends after the greeting: the worst input before authentication. 0: they send nothing.
  std::size_t flood_bytes = 0;
  double flood_s = 5;  // the sending gives up after this (the server may stop reading)
  double hold_s = 0;   // hold the connections at least this long after the flood
};

struct SlowConsumerOptions {
  int subscribers = 100;
  int pid = 0;
  double seconds = 60;           // upper bound on the load phase
  double after_kill_s = 3;       // keep the load on this long after the stuck one is killed
  std::size_t pad_bytes = 2048;  // bigger events reach the queue byte limit sooner
  double rate = 2000;            // total events/s; 0: as fast as the server acknowledges
  int publishers = 2;
  int window = 16;
  std::int64_t rss_bound_mb = 512;
};

struct StartupOptions {
  std::string daemon;  // path of the eventswitch binary
  int runs = 20;
  std::string extra_args;  // appended to the daemon's command line (space-separated)
};

struct CallsOptions {
  int connections = 4;
  int window = 8;  // calls in flight per connection
  double seconds = 10;
  std::uint64_t max_calls = 100'000'000;  // in total
  std::string originate_args = "loopback/9999 &park()";
  bool all_events = false;  // count every event (ALL) instead of CHANNEL_HANGUP_COMPLETE only
  std::uint64_t max_sessions = 100000;  // fsctl max_sessions before the run
  std::uint64_t sps = 100000;           // fsctl sps before the run
  double drain_s = 10;  // bound on waiting for the last hangups after the load phase
  int pid = 0;          // daemon process id (optional): RSS before and after the run
};

struct ConcurrentCallsOptions {
  std::uint64_t calls = 1000;
  int pid = 0;
  int connections = 4;
  int window = 16;  // originates in flight per connection while setting up
  std::string originate_args = "loopback/9999 &park()";
  std::uint64_t sps = 100000;
  double hold_s = 2;    // held before the RSS sample
  double settle_s = 1;  // after the last session is gone, before the final sample
  double drain_s = 30;  // bound on waiting for hupall to end every session
};

struct OutboundOptions {
  std::uint64_t sessions = 500;  // calls placed at once, one outbound socket session each
  int pid = 0;
  std::string playback = "silence_stream://1000";  // what each session plays after answer
  std::uint64_t sps = 100000;                      // fsctl sps before the run
  double session_timeout_s = 20;  // a session still open after this is closed and counted lost
  double run_limit_s = 25;        // bound on waiting for every session and hangup
  bool pre_answer = false;        // B-leg runs pre_answer before socket (originate returns sooner)
};

struct SoakOptions {
  double seconds = 3600;                 // how long the mixed traffic runs
  int pid = 0;                           // daemon process id
  double sample_interval_s = 10;         // RSS, descriptors and threads every this often
  double warmup_s = 120;                 // samples before this are not judged
  double tolerance = 0.10;               // last quarter's max may exceed the first's by this much
  std::int64_t rss_slack_kb = 4096;      // ... plus this (allocator noise)
  std::int64_t fd_slack = 16;            // ... plus this (connections of a burst in flight)
  std::int64_t thread_slack = 2;         // threads: the first quarter's max plus this
  double iteration_timeout_s = 120;      // bound on each run of each traffic kind
  double settle_s = 5;                   // after the traffic, before the "after" sample
  std::string detail_log = "/dev/null";  // the traffic runs' own JSON lines
};

int run_fanout(const CommonOptions& common, const FanoutOptions& options);
int run_api(const CommonOptions& common, const ApiOptions& options);
int run_bgapi(const CommonOptions& common, const BgapiOptions& options);
int run_churn(const CommonOptions& common, const ChurnOptions& options);
int run_idle(const CommonOptions& common, const IdleOptions& options);
int run_hostile(const CommonOptions& common, const HostileOptions& options);
int run_slow_consumer(const CommonOptions& common, const SlowConsumerOptions& options);
int run_startup(const CommonOptions& common, const StartupOptions& options);
int run_calls(const CommonOptions& common, const CallsOptions& options);
int run_concurrent_calls(const CommonOptions& common, const ConcurrentCallsOptions& options);
int run_outbound(const CommonOptions& common, const OutboundOptions& options);
int run_soak(const CommonOptions& common, const SoakOptions& options);

// Resolves host/port/password into a Target (numeric IPv4/IPv6 addresses only: no DNS).
bool make_target(const CommonOptions& common, Target& target);

}  // namespace es::bench
