#include "apps/daemon.hpp"

#include <fmt/format.h>
#include <malloc.h>
#include <sys/resource.h>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>
#include <vector>

#include "amqp/amqp_exporter.hpp"
#include "apps/console_log.hpp"
#include "apps/daemon_config.hpp"
#include "apps/daemon_metrics.hpp"
#include "apps/metrics_endpoint.hpp"
#include "apps/run_files.hpp"
#include "core/commands/core_commands.hpp"
#include "core/heartbeat.hpp"
#include "core/runtime.hpp"
#include "core/spawn.hpp"
#include "core/switch_conf.hpp"
#include "eventsocket/event_socket_config.hpp"
#include "eventsocket/server.hpp"
#include "eventsocket/tls_context.hpp"
#include "gateway/gateway.hpp"
#include "sip/sofia/sofia_api.hpp"
#include "sip/sofia/sofia_config.hpp"
#include "sip/sofia/sofia_outbound.hpp"
#include "sip/sofia/sofia_profile.hpp"
#include "switch/cdr_writer.hpp"
#include "switch/commands/sim_clock_command.hpp"
#include "switch/default_dialplan.hpp"
#include "switch/session/asio_timers.hpp"
#include "switch/session/hangup_cause.hpp"
#include "switch/switch_core.hpp"
#include "switch/switch_setup.hpp"

namespace es::apps {
namespace {

using namespace std::chrono_literals;

// Queue memory freed by killed or closed listeners that makes the next one-second tick hand
// freed memory back to the system (a stuck subscriber's peak must not stay in RSS).
constexpr std::size_t kTrimAfterReleasedBytes = 1u << 20;

// --log-dir, else the directory of --log-file, else ./log; absolute, so that a later chdir or
// a relative log-dir in xml_cdr.conf cannot change where records go.
std::string resolve_log_dir(const DaemonOptions& options) {
  std::filesystem::path dir = options.log_dir;
  if (dir.empty()) {
    dir = options.log_file.empty() ? std::filesystem::path("log")
                                   : std::filesystem::path(options.log_file).parent_path();
  }
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(dir, ec);
  return (ec ? dir : absolute).lexically_normal().string();
}

void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// Idle CPU from /proc/stat deltas, as status and HEARTBEAT report it.
class IdleCpuSampler {
 public:
  double sample() {
    std::ifstream stat("/proc/stat");
    std::string cpu;
    unsigned long long v[8] = {};
    stat >> cpu;
    for (auto& x : v) stat >> x;
    unsigned long long idle = v[3] + v[4];
    unsigned long long total = 0;
    for (auto x : v) total += x;
    double result = last_;
    if (total > prev_total_) {
      result =
          100.0 * static_cast<double>(idle - prev_idle_) / static_cast<double>(total - prev_total_);
    }
    prev_idle_ = idle;
    prev_total_ = total;
    last_ = result;
    return result;
  }

 private:
  unsigned long long prev_idle_ = 0, prev_total_ = 0;
  double last_ = 100.0;
};

// The daemon's ProcessControl: reloadxml re-reads the configuration directory; a shutdown
// request is posted to the event loop, which runs the drain installed by set_shutdown.
class DaemonProcessControl final : public core::ProcessControl {
 public:
  DaemonProcessControl(core::Runtime& runtime, DaemonConfig& config, asio::io_context& io)
      : runtime_(runtime), config_(config), io_(io) {
    runtime_.set_process_control(this);
  }
  ~DaemonProcessControl() override { runtime_.remove_process_control(this); }
  DaemonProcessControl(const DaemonProcessControl&) = delete;
  DaemonProcessControl& operator=(const DaemonProcessControl&) = delete;

  void set_shutdown(std::function<void()> shutdown) { shutdown_ = std::move(shutdown); }
  // Runs after every successful reload (the switch re-reads what it takes from the XML).
  void set_after_reload(std::function<void()> after) { after_reload_ = std::move(after); }

  void request_shutdown() override {
    asio::post(io_, [this] {
      if (shutdown_) shutdown_();
    });
  }

  std::string reload_xml() override {
    std::string error = config_.reload();
    if (error.empty()) {
      if (after_reload_) after_reload_();
      runtime_.bus().fire(runtime_.events().create(core::EventType::kReloadxml));
    } else {
      ES_LOG(runtime_.log(), core::LogLevel::kErr, "reloadxml failed: {}", error);
    }
    return error;
  }

 private:
  core::Runtime& runtime_;
  DaemonConfig& config_;
  asio::io_context& io_;
  std::function<void()> shutdown_;      // set before the event loop runs
  std::function<void()> after_reload_;  // likewise
};

std::string endpoint_text(const asio::ip::tcp::endpoint& endpoint) {
  return endpoint.address().is_v6()
             ? fmt::format("[{}]:{}", endpoint.address().to_string(), endpoint.port())
             : fmt::format("{}:{}", endpoint.address().to_string(), endpoint.port());
}

// The TLS listener of event_socket.conf (tls-* params), if its certificate is configured.
// False with a one-line reason when the files cannot be used: the daemon does not start.
bool configure_tls(const eventsocket::EventSocketConfig& conf, const DaemonOptions& options,
                   eventsocket::ServerOptions& server_options, std::string* error) {
  if (conf.tls_cert_file.empty()) {
    if (options.tls_listen_port) {
      *error = "--tls-listen-port needs tls-cert-file in event_socket.conf";
      return false;
    }
    return true;
  }
  eventsocket::TlsServerFiles files{
      .cert_file = conf.tls_cert_file,
      .key_file = conf.tls_key_file.empty() ? conf.tls_cert_file : conf.tls_key_file,
      .ca_file = conf.tls_ca_file,
      .verify_client = conf.tls_verify_client};
  auto context = eventsocket::make_tls_server_context(files, error);
  if (!context) return false;
  eventsocket::TlsListenOptions tls;
  tls.listen_ip = conf.tls_listen_ip.empty() ? server_options.listen_ip : conf.tls_listen_ip;
  tls.listen_port =
      static_cast<unsigned short>(options.tls_listen_port.value_or(conf.tls_listen_port));
  tls.context = std::move(context);
  server_options.tls = std::move(tls);
  server_options.listener.tls_handshake_timeout_s = conf.tls_handshake_timeout_s;
  return true;
}

// event_socket.conf's <upstreams>, then the command line's. nullopt on a bad --upstream or an
// unreadable password file; *warnings gets what the configuration had wrong.
std::optional<gateway::GatewayOptions> read_gateway_options(const DaemonConfig& config,
                                                            const DaemonOptions& options,
                                                            std::string* warnings) {
  auto xml = config.xml();
  gateway::GatewayOptions result;
  if (xml)
    result = gateway::read_gateway_options(xml->configuration("event_socket.conf"), warnings);
  std::string password = "ClueCon";
  if (!options.upstream_password_file.empty()) {
    std::ifstream file(options.upstream_password_file);
    if (!file || !std::getline(file, password) || password.empty()) {
      *warnings = fmt::format("cannot read a password from {}", options.upstream_password_file);
      return std::nullopt;
    }
    if (password.back() == '\r') password.pop_back();
  }
  for (const std::string& argument : options.upstreams) {
    auto spec = gateway::parse_upstream_argument(argument, warnings);
    if (!spec) return std::nullopt;
    for (const auto& existing : result.upstreams) {
      if (existing.name == spec->name) {
        *warnings = fmt::format("--upstream {}: the name {} is already used", argument, spec->name);
        return std::nullopt;
      }
    }
    spec->password = gateway::upstream_password_from_environment(spec->name, password);
    result.upstreams.push_back(std::move(*spec));
  }
  return result;
}

}  // namespace

int run_daemon(const DaemonOptions& options) {
  std::signal(SIGPIPE, SIG_IGN);
  raise_descriptor_limit();

  core::SimulatedClock* simulated_clock = nullptr;
  std::unique_ptr<core::Clock> clock;
  if (options.simulated_time) {
    auto sim = std::make_unique<core::SimulatedClock>(core::RealClock().now_epoch_us());
    simulated_clock = sim.get();
    clock = std::move(sim);
  } else {
    clock = std::make_unique<core::RealClock>();
  }
  core::Runtime runtime(std::move(clock));
  if (!options.hostname.empty()) {
    // The switch name follows the host name unless switch.conf sets one.
    if (runtime.identity().switchname == runtime.identity().hostname) {
      runtime.identity().switchname = options.hostname;
    }
    runtime.identity().hostname = options.hostname;
  }
  runtime.console_log_level = options.log_level;
  std::FILE* log_file = nullptr;
  if (!options.log_file.empty()) {
    log_file = std::fopen(options.log_file.c_str(), "a");
    if (!log_file) {
      fmt::print(stderr, "eventswitch: cannot open log file {}\n", options.log_file);
      return 1;
    }
  }
  auto console = std::make_shared<ConsoleLog>(runtime.console_log_level, options.colour, log_file);
  runtime.log().add_sink(console);
  core::register_core_commands(runtime);

  DaemonConfig config(runtime);
  const std::string log_dir = resolve_log_dir(options);
  runtime.globals().set("log_dir", log_dir);  // before the XML: it may say $${log_dir}
  std::string config_error;
  if (!config.load(options.conf_dir, &config_error)) {
    fmt::print(stderr, "eventswitch: {}\n", config_error);
    return 1;
  }

  if (auto xml = config.xml()) {
    // switch.conf / post_load_switch.conf / modules.conf (docs/configuration-files.md).
    auto switch_conf = core::apply_switch_conf(*xml, runtime);
    if (switch_conf.loglevel && !options.log_level_given) {
      runtime.console_log_level = *switch_conf.loglevel;
    }
    if (switch_conf.colorize_console == false) console->set_colour(false);
    for (const auto& [level, text] : switch_conf.messages) ES_LOG(runtime.log(), level, "{}", text);
  }

  // mod_amqp's export, when amqp.conf asks for it: subscribed before the first event fires.
  auto amqp_exporter = amqp::AmqpExporter::from_configuration(
      config.xml() ? config.xml()->configuration("amqp.conf") : pugi::xml_node{}, runtime);

  eventsocket::ServerOptions server_options;
  config.apply(server_options);
  if (options.listen_ip) server_options.listen_ip = *options.listen_ip;
  if (options.listen_port)
    server_options.listen_port = static_cast<unsigned short>(*options.listen_port);
  if (options.password) server_options.listener.password = *options.password;
  // Confined clients (userauth users, outbound servers without `full`) reach files only in
  // the recordings and sounds directories unless allowed-file-dirs says otherwise.
  for (const std::string* dir : {&options.recording_dir, &options.sound_dir}) {
    if (!dir->empty()) server_options.listener.confined_file_dirs.push_back(*dir);
  }
  if (std::string tls_error;
      !configure_tls(config.event_socket(), options, server_options, &tls_error)) {
    fmt::print(stderr, "eventswitch: {}\n", tls_error);
    return 1;
  }

  int threads = options.threads > 0
                    ? options.threads
                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  asio::io_context io(threads);
  DaemonProcessControl process_control(runtime, config, io);

  // The switch: sessions run on the same event loop threads as the event socket.
  std::unique_ptr<core::Timers> timers;
  if (simulated_clock) {
    timers = std::make_unique<core::SimulatedTimers>(*simulated_clock);
  } else {
    timers = std::make_unique<sw::AsioTimers>(io);
  }
  sw::SwitchOptions switch_options;
  switch_options.sound_dir = options.sound_dir;
  switch_options.recording_dir = options.recording_dir;
  sw::SwitchCore switch_core(runtime, io, *timers, switch_options);
  auto embedded_dialplan = sw::load_default_dialplan(runtime.globals());
  switch_core.xml = [&config, embedded_dialplan] {
    auto current = config.xml();
    return current && sw::has_dialplan(*current) ? current : embedded_dialplan;
  };
  // The embedded document also holds English phrases, for a configuration without its own.
  switch_core.phrases_xml = [&config, embedded_dialplan] {
    auto current = config.xml();
    return current && sw::has_phrases(*current) ? current : embedded_dialplan;
  };
  sw::install_switch_modules(switch_core);
  // mod_xml_cdr / mod_json_cdr files, read once at start as FreeSWITCH loads those modules.
  if (auto xml = config.xml()) {
    sw::CdrSettings cdr = sw::read_cdr_settings(*xml, log_dir, runtime.log());
    if (cdr.any()) switch_core.cdr_writer = std::make_shared<sw::CdrWriter>(runtime, cdr);
  }
  auto load_dial_string_map = [&] {
    std::size_t ignored = 0;
    auto current = config.xml();
    switch_core.set_dial_string_map(current ? sw::DialStringMap::from_config(*current, &ignored)
                                            : sw::DialStringMap{});
    if (ignored > 0) {
      ES_LOG(runtime.log(), core::LogLevel::kWarning,
             "switch.conf: {} dial-string-map rule(s) ignored (no from or to, or over {})", ignored,
             sw::DialStringMap::kMaxRules);
    }
  };
  load_dial_string_map();
  process_control.set_after_reload(load_dial_string_map);
  sw::register_sim_clock_command(
      switch_core, simulated_clock ? static_cast<core::SimulatedTimers*>(timers.get()) : nullptr,
      simulated_clock);
  // Declared before the server and the endpoint: both leave it before it goes.
  core::MetricsRegistry metrics;
  register_switch_metrics(metrics, runtime, switch_core);
  // Gateway mode: the upstreams serve the clients' events and commands; the local switch runs
  // no calls.
  std::string gateway_error;
  auto gateway_options = read_gateway_options(config, options, &gateway_error);
  if (!gateway_options) {
    fmt::print(stderr, "eventswitch: {}\n", gateway_error);
    return 1;
  }
  if (!gateway_error.empty()) {
    ES_LOG(runtime.log(), core::LogLevel::kWarning, "{}", gateway_error);
  }
  std::unique_ptr<gateway::Gateway> upstream_gateway;
  if (gateway_options->enabled()) {
    upstream_gateway =
        std::make_unique<gateway::Gateway>(runtime, io.get_executor(), *gateway_options);
    upstream_gateway->start();
  }
  // Like the switch's collector, read only by the metrics endpoint, which is declared later and
  // so stopped before the gateway goes.
  if (upstream_gateway) register_gateway_metrics(metrics, *upstream_gateway);
  std::string error;
  // The SIP profiles before the event socket: a port already taken fails the start early.
  std::vector<std::shared_ptr<sip::sofia::SofiaProfile>> sip_profiles;
  {
    const auto sofia_config =
        sip::sofia::load_sofia_config(config.xml() ? *config.xml() : *core::XmlConfig::empty(),
                                      runtime.globals().get("local_ip_v4").value_or("127.0.0.1"));
    for (const auto& message : sofia_config.messages) {
      ES_LOG(runtime.log(), message.level, "{}", message.text);
    }
    for (auto& sip_config :
         sip::sofia::profiles_to_start(sofia_config, options.sip_ip, options.sip_port)) {
      auto profile = std::make_shared<sip::sofia::SofiaProfile>(switch_core, sip_config);
      if (!profile->start(&error)) {
        fmt::print(stderr, "eventswitch: sofia profile {}: {}\n", sip_config.name, error);
        return 1;
      }
      ES_LOG(runtime.log(), core::LogLevel::kNotice, "sofia profile {} listening on {}",
             sip_config.name, profile->agent()->url());
      sip_profiles.push_back(std::move(profile));
    }
    if (!sip_profiles.empty()) {
      sip::sofia::register_sofia_api(runtime.api(), sip_profiles);
      sip::sofia::register_sofia_contact_api(runtime.api(), runtime.globals(), sip_profiles);
      auto sofia_endpoint = std::make_shared<sip::sofia::SofiaEndpoint>();
      for (const auto& profile : sip_profiles) sofia_endpoint->add_profile(profile);
      switch_core.endpoints().add(sofia_endpoint);
    }
  }
  eventsocket::Server server(io, runtime, server_options);
  if (server.listen(&error)) {
    fmt::print(stderr, "eventswitch: {}\n", error);
    return 1;
  }
  server.register_metrics(metrics);
  eventsocket::register_event_socket_api(runtime, server);
  // Its thread only reads the registry: stopped (destroyed) first.
  MetricsEndpoint metrics_endpoint(metrics);
  const std::string& metrics_listen = options.metrics_listen.empty()
                                          ? config.event_socket().metrics_listen
                                          : options.metrics_listen;
  if (!metrics_listen.empty() && !metrics_endpoint.start(metrics_listen, &error)) {
    fmt::print(stderr, "eventswitch: {}\n", error);
    return 1;
  }
  server.start_accepting();
  auto endpoint = server.local_endpoint();
  if (eventsocket::exposes_default_password(server_options.listen_ip,
                                            server_options.listener.password)) {
    ES_LOG(runtime.log(), core::LogLevel::kWarning,
           "the event socket listens on {} beyond loopback with the default password ClueCon: "
           "anyone who can reach it controls the switch (set a password: --password-file, "
           "EVENTSWITCH_PASSWORD or event_socket.conf)",
           server_options.listen_ip);
  }

  // Graceful shutdown: every listener gets the notice, then the loop stops once they are gone
  // (or after a grace period for peers that do not read).
  asio::steady_timer shutdown_timer(io);
  bool shutting_down = false;
  std::chrono::steady_clock::time_point drain_deadline;
  std::function<void()> wait_drained = [&] {
    if ((server.listener_count() == 0 && switch_core.count() == 0) ||
        std::chrono::steady_clock::now() >= drain_deadline) {
      io.stop();
      return;
    }
    shutdown_timer.expires_after(20ms);
    shutdown_timer.async_wait([&](std::error_code) { wait_drained(); });
  };
  auto shutdown = [&] {
    if (shutting_down) return;
    shutting_down = true;
    ES_LOG(runtime.log(), core::LogLevel::kNotice, "shutting down");
    if (upstream_gateway) upstream_gateway->stop();
    switch_core.hangup_all(sw::cause::kSystemShutdown);
    runtime.bus().fire(runtime.events().create(core::EventType::kShutdown));
    server.stop(std::string(protocol::kShutdownText));
    drain_deadline = std::chrono::steady_clock::now() + 3s;
    wait_drained();
  };
  process_control.set_shutdown(shutdown);

  asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
  std::function<void(std::error_code, int)> on_signal = [&](std::error_code ec, int signo) {
    if (ec) return;
    if (signo == SIGHUP) {
      ES_LOG(runtime.log(), core::LogLevel::kNotice, "SIGHUP: reloading XML");
      process_control.reload_xml();
      signals.async_wait(on_signal);
      return;
    }
    shutdown();
  };
  signals.async_wait(on_signal);

  // Ready once SIGTERM is handled: the run files, then the documented readiness line.
  RunFiles run_files;
  if (!run_files.publish(options.pid_file, options.port_file, options.ready_fd, endpoint.port(),
                         &error)) {
    fmt::print(stderr, "eventswitch: {}\n", error);
    return 1;
  }
  ES_LOG(runtime.log(), core::LogLevel::kNotice, "event socket listening on {}",
         endpoint_text(endpoint));
  if (server_options.tls) {
    ES_LOG(runtime.log(), core::LogLevel::kNotice, "TLS event socket listening on {}",
           endpoint_text(server.tls_local_endpoint()));
  }
  if (!metrics_listen.empty()) {
    ES_LOG(runtime.log(), core::LogLevel::kNotice, "metrics at http://{}/metrics",
           metrics_endpoint.address());
  }

  // HEARTBEAT every interval, each followed by its RE_SCHEDULE. On the switch's timers, so
  // with --simulated-time it follows the simulated clock whose time it stamps.
  std::atomic<core::Timers::Id> heartbeat_timer{0};
  std::function<void()> schedule_heartbeat = [&] {
    std::int64_t due =
        runtime.clock().now_monotonic_us() + std::int64_t{options.heartbeat_interval_s} * 1000000;
    heartbeat_timer = timers->call_at(due, [&] {
      runtime.bus().fire(core::make_heartbeat_event(runtime));
      std::int64_t next = runtime.clock().now_epoch_us() / 1000000 + options.heartbeat_interval_s;
      runtime.bus().fire(core::make_heartbeat_reschedule_event(runtime, 1, next));
      // A gateway's clients get the upstreams' HEARTBEATs, not one of its own.
      if (!upstream_gateway) schedule_heartbeat();
    });
  };
  schedule_heartbeat();

  IdleCpuSampler sampler;
  asio::steady_timer cpu_timer(io);
  std::size_t listener_previous = 0;
  int seconds_since_trim = 0;
  std::function<void()> sample_cpu = [&] {
    double idle = sampler.sample();
    runtime.idle_cpu = idle;
    runtime.log().set_idle_cpu(idle);
    // Hand freed memory back to the system once many connections are gone (or a killed
    // listener's queue was freed): glibc keeps it otherwise, and RSS would stay at its peak.
    std::size_t listeners = server.listener_count();
    bool released = server.take_released_bytes() >= kTrimAfterReleasedBytes;
    if (++seconds_since_trim >= 10 || listener_previous >= listeners + 50 || released) {
      malloc_trim(0);
      seconds_since_trim = 0;
    }
    listener_previous = listeners;
    cpu_timer.expires_after(1s);
    cpu_timer.async_wait([&](std::error_code ec) {
      if (!ec) sample_cpu();
    });
  };
  sample_cpu();

  if (!upstream_gateway) {
    core::Event startup = runtime.events().create(core::EventType::kStartup);
    startup.add_header("Event-Info", "System Ready");
    runtime.bus().fire(std::move(startup));
  }

  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) {
    pool.emplace_back([&] { core::run_guarded(io, runtime.log(), "event loop"); });
  }
  core::run_guarded(io, runtime.log(), "event loop");
  for (auto& t : pool) t.join();
  // Before the switch and the server go: a command profile's thread may be running a command
  // that reaches them.
  amqp_exporter.reset();
  timers->cancel(heartbeat_timer);
  // After the loop: the hangups of the shutdown have queued their BYEs for the sofia thread,
  // which sends them before its stack shuts down.
  for (const auto& profile : sip_profiles) profile->stop();
  return 0;
}

}  // namespace es::apps
