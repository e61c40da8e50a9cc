// Flags and configuration file, with CLI11 (the file takes the long flags' names).
#include "apps/httpivr/ivr_settings.hpp"

#include <fmt/core.h>
#include <CLI/CLI.hpp>

namespace es::apps::httpivr {

std::optional<IvrSettings> parse_settings(int argc, char** argv, int& exit_code) {
  IvrSettings s;
  CLI::App cli(
      "httpivr: runs calls from the event socket's `socket` application as JSON webhooks.\n"
      "Dialplan: <action application=\"socket\" data=\"127.0.0.1:8040 async full\"/>");
  cli.set_config("--config", "", "configuration file (key = value, the long option names)");
  std::string listen = "127.0.0.1:8040";
  cli.add_option("--listen", listen, "address:port the switch connects to (port 0: any)")
      ->capture_default_str();
  cli.add_option("--url", s.url, "webhook of each call's first request")->required();
  cli.add_option("--fallback-url", s.fallback_url, "tried when a request or its answer fails");
  cli.add_option("--status-url", s.status_url, "status callback when a call ends");
  cli.add_option("--secret", s.webhook.secret, "HMAC-SHA256 key of the X-Signature header");
  cli.add_option("--variables", s.variables, "channel variables sent in every request")
      ->delimiter(',');
  cli.add_option("--apology", s.apology, "prompt played before a fault hangs the call up");
  cli.add_option("--fault-cause", s.fault_cause, "hangup cause after a fault")
      ->capture_default_str();
  cli.add_option("--record-dir", s.record_dir, "where recordings are written")
      ->capture_default_str();
  cli.add_option("--media-cache-dir", s.media_cache_dir, "where http(s) prompts are cached")
      ->capture_default_str();
  cli.add_option("--say-module", s.say_module, "module for the say verb (empty: say is skipped)");
  long long timeout_ms = s.webhook.timeout.count();
  cli.add_option("--timeout-ms", timeout_ms, "limit on one request attempt")
      ->capture_default_str()
      ->check(CLI::Range(1LL, 600000LL));
  long long connect_ms = s.webhook.connect_timeout.count();
  cli.add_option("--connect-timeout-ms", connect_ms, "limit on connecting to a webhook")
      ->capture_default_str()
      ->check(CLI::Range(1LL, 600000LL));
  cli.add_option("--retries", s.webhook.retries, "retries after a 5xx or connection error")
      ->capture_default_str()
      ->check(CLI::Range(0, 10));
  long long backoff_ms = s.webhook.backoff.count();
  cli.add_option("--backoff-ms", backoff_ms, "wait before the first retry (doubled each time)")
      ->capture_default_str()
      ->check(CLI::Range(0LL, 60000LL));
  cli.add_option("--max-in-flight", s.webhook.max_in_flight, "requests on the wire at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  cli.add_option("--max-waiting", s.webhook.max_waiting, "requests queued behind those")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000000));
  cli.add_option("--max-response-bytes", s.webhook.max_response_bytes,
                 "longest webhook answer read")
      ->capture_default_str()
      ->check(CLI::Range(64, 16 * 1024 * 1024));
  long long linger_s = s.linger.count();
  cli.add_option("--linger", linger_s, "seconds a hung-up call's socket may stay open")
      ->capture_default_str()
      ->check(CLI::Range(1LL, 3600LL));
  cli.add_option("--threads", s.threads, "event-loop threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  cli.add_option("--max-calls", s.max_calls, "exit after this many calls (0: never)")
      ->capture_default_str();
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    exit_code = cli.exit(e);
    return std::nullopt;
  }
  std::size_t colon = listen.rfind(':');
  int port = -1;
  if (colon != std::string::npos) {
    try {
      port = std::stoi(listen.substr(colon + 1));
    } catch (const std::exception&) {
      port = -1;
    }
  }
  if (colon == std::string::npos || colon == 0 || port < 0 || port > 65535) {
    fmt::print(stderr, "httpivr: --listen wants address:port, got \"{}\"\n", listen);
    exit_code = 2;
    return std::nullopt;
  }
  s.listen_host = listen.substr(0, colon);
  s.listen_port = static_cast<unsigned short>(port);
  s.webhook.timeout = std::chrono::milliseconds(timeout_ms);
  s.webhook.connect_timeout = std::chrono::milliseconds(connect_ms);
  s.webhook.backoff = std::chrono::milliseconds(backoff_ms);
  s.linger = std::chrono::seconds(linger_s);
  exit_code = 0;
  return s;
}

}  // namespace es::apps::httpivr
