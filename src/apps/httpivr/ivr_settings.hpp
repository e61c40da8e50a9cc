// Everything httpivr is told by its flags and configuration file (docs/httpivr.md).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "apps/httpivr/webhook_client.hpp"

namespace es::apps::httpivr {

// Hostile-peer bounds on what one webhook answer may ask for.
inline constexpr std::size_t kMaxVerbsPerResponse = 100;
inline constexpr int kMaxRedirectChain = 10;
inline constexpr int kMaxPlayLoops = 100;

struct IvrSettings {
  std::string listen_host = "127.0.0.1";
  unsigned short listen_port = 8040;
  std::string url;           // first request of a call (channel variable httpivr_url wins)
  std::string fallback_url;  // tried once when a request or its answer fails
  std::string status_url;    // status callback at the end of each call; empty: none
  std::vector<std::string> variables;  // channel variables sent in every request
  std::string apology;                 // played before a fault hangs up; empty: none
  std::string fault_cause = "NORMAL_TEMPORARY_FAILURE";
  std::string record_dir = "/tmp";
  std::string media_cache_dir = "/tmp/httpivr-media";  // http(s) prompts fetched for play
  std::string say_module;  // "say" runs with this module (FreeSWITCH: "en"); empty: skipped
  std::chrono::seconds linger{30};  // how long a hung-up call's socket may stay open
  int threads = 2;                  // event-loop threads
  int max_calls = 0;                // calls to take before exiting (0: no limit; for tests)
  WebhookSettings webhook;
};

// Reads flags (and --config <file>, INI/TOML "key = value" lines named as the long flags).
// Returns nullopt after printing help or an error; `exit_code` tells which.
std::optional<IvrSettings> parse_settings(int argc, char** argv, int& exit_code);

}  // namespace es::apps::httpivr
