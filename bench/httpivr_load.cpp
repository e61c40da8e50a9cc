// httpivr_load: N concurrent calls through httpivr, with this process as the web application
// answering every request at once. Run by bench/httpivr.sh (which starts the daemon and httpivr).
//
// Each call: /start answers "pause <hold> s, then set + action_hook" so that every call is up at
// once before the measured part; then `--steps` steps of "set + action_hook" (no media: the
// step is nothing but httpivr's own work). A step's added latency is the time from our answer
// to the next request of that call: httpivr reading the answer, running `set` on the switch
// (sendmsg, CHANNEL_EXECUTE_COMPLETE), building, signing and posting the next request.
// RSS per call: httpivr's RSS while all calls are held, minus its idle RSS, over N.
#include <fmt/core.h>
#include <httplib.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "apps/httpivr/json_value.hpp"
#include "client/sync_connection.hpp"
#include "json_line.hpp"
#include "latency_histogram.hpp"
#include "process_stats.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct Options {
  unsigned short daemon_port = 8021;
  unsigned short httpivr_port = 8040;
  int httpivr_pid = 0;
  unsigned short web_port = 8050;
  int calls = 500;
  int steps = 10;
  int hold_s = 5;
  int timeout_s = 180;
};

struct CallState {
  int steps = 0;
  bool measuring = false;
  Clock::time_point answered;
};

class Webhook {
 public:
  explicit Webhook(const Options& options) : options_(options) {
    // Every keep-alive connection of httpivr's pool holds a server thread.
    server_.new_task_queue = [] { return new httplib::ThreadPool(96); };
    server_.set_keep_alive_max_count(100000);
    server_.set_tcp_nodelay(true);
    server_.Post("/start", [this](const httplib::Request& q, httplib::Response& r) {
      ++started;
      std::string id = call_id(q.body);
      std::lock_guard lock(mutex_);
      calls_[id] = CallState{};
      r.set_content(
          fmt::format(R"j([{{"verb":"pause","length":{}}},{}])j", options_.hold_s, step_verb(0)),
          "application/json");
    });
    server_.Post("/step", [this](const httplib::Request& q, httplib::Response& r) {
      auto now = Clock::now();
      std::string id = call_id(q.body);
      std::lock_guard lock(mutex_);
      CallState& call = calls_[id];
      if (call.measuring) latency.record((now - call.answered).count());
      call.measuring = true;
      if (++call.steps > options_.steps) {
        r.set_content(R"j([{"verb":"hangup"}])j", "application/json");
      } else {
        r.set_content("[" + step_verb(call.steps) + "]", "application/json");
      }
      call.answered = Clock::now();
    });
    server_.Post("/status", [this](const httplib::Request&, httplib::Response& r) {
      ++completed;
      r.set_content("[]", "application/json");
    });
    server_.bind_to_port("127.0.0.1", options_.web_port);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(1ms);
  }
  ~Webhook() {
    server_.stop();
    thread_.join();
  }
  Webhook(const Webhook&) = delete;
  Webhook& operator=(const Webhook&) = delete;

  std::atomic<int> started{0};
  std::atomic<int> completed{0};
  es::bench::LatencyHistogram latency;  // guarded by mutex_ while calls run

 private:
  static std::string call_id(const std::string& body) {
    auto json = es::apps::httpivr::parse_json(body);
    return json ? json->text("call_id").value_or("") : "";
  }
  std::string step_verb(int step) const {
    return fmt::format(
        R"j({{"verb":"set","variables":{{"bench_step":"{}"}},"action_hook":"http://127.0.0.1:{}/step"}})j",
        step, options_.web_port);
  }

  const Options& options_;
  httplib::Server server_;
  std::thread thread_;
  std::mutex mutex_;
  std::map<std::string, CallState> calls_;
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App cli("N concurrent calls through httpivr against a webhook answering at once");
  cli.add_option("--port", o.daemon_port, "the daemon's event socket port");
  cli.add_option("--httpivr-port", o.httpivr_port, "where httpivr listens");
  cli.add_option("--httpivr-pid", o.httpivr_pid, "httpivr's pid (RSS)")->required();
  cli.add_option("--web-port", o.web_port, "port of this webhook (httpivr's --url points here)");
  cli.add_option("--calls", o.calls, "concurrent calls");
  cli.add_option("--steps", o.steps, "measured steps per call");
  cli.add_option("--hold", o.hold_s, "seconds every call waits before its steps");
  cli.add_option("--timeout", o.timeout_s, "bound on the whole run, seconds");
  CLI11_PARSE(cli, argc, argv);

  Webhook web(o);
  auto idle = es::bench::sample_process(o.httpivr_pid);
  es::client::SyncConnection es;
  es.connect("127.0.0.1", o.daemon_port, es::client::Credentials::password_only("ClueCon"));
  es.api(fmt::format("fsctl max_sessions {}", o.calls * 2 + 100));
  es.api("fsctl sps 10000");
  auto start = Clock::now();
  std::string first_error;
  for (int i = 0; i < o.calls; ++i) {
    std::string reply = es.api(fmt::format(
        "originate {{sim_hangup_ms=600000}}sim/bench{} 'socket:127.0.0.1:{} async full' inline", i,
        o.httpivr_port));
    if (!reply.starts_with("+OK") && first_error.empty()) first_error = reply;
  }
  auto deadline = start + std::chrono::seconds(o.timeout_s);
  while (web.started.load() < o.calls && Clock::now() < deadline) std::this_thread::sleep_for(10ms);
  // Every call is in its pause now: httpivr holds all of them.
  std::this_thread::sleep_for(std::chrono::milliseconds(o.hold_s * 500));
  auto busy = es::bench::sample_process(o.httpivr_pid);
  while (web.completed.load() < o.calls && Clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  auto after = es::bench::sample_process(o.httpivr_pid);
  es.disconnect();

  es::bench::JsonLine line;
  line.add("scenario", "httpivr")
      .add("calls", o.calls)
      .add("steps_per_call", o.steps)
      .add("calls_started", web.started.load())
      .add("calls_completed", web.completed.load())
      .add("all_completed", web.completed.load() == o.calls)
      .add("seconds", seconds)
      .add_latency("step_added_latency", web.latency);
  if (idle && busy) {
    line.add("httpivr_rss_idle_kb", idle->rss_kb)
        .add("httpivr_rss_busy_kb", busy->rss_kb)
        .add("rss_per_call_kb",
             static_cast<double>(busy->rss_kb - idle->rss_kb) / static_cast<double>(o.calls))
        .add("httpivr_threads", busy->threads)
        .add("httpivr_fds_busy", busy->open_fds);
  }
  if (after) line.add("httpivr_peak_rss_kb", after->peak_rss_kb);
  if (!first_error.empty()) line.add("first_error", first_error);
  line.print();
  return web.completed.load() == o.calls ? 0 : 1;
}
