#include "apps/escli/options.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace es::apps::escli {
namespace {

constexpr const char* kFooter =
    "Profiles come from ~/.escli.conf (fs_cli.conf's form: [name] sections of key => value;\n"
    "keys host, port, user, password, loglevel, quiet, batchmode, log-uuid, log-uuid-short,\n"
    "log-uuid-length, no-history-file, color, json, prompt-string, prompt-color,\n"
    "input-text-color, output-text-color, key_F1..key_F12, key_toggle_F1..key_toggle_F12,\n"
    "timeout, connect-timeout, tls, tls-ca, tls-cert, tls-key). The command line overrides the "
    "profile.\n"
    "Exit status: 0 done, 1 connection failed or lost, 2 refused (password, user or ACL),\n"
    "3 timed out, 4 a command failed (--strict), 64 bad usage.\n"
    "Without -x, escli reads commands one per line from standard input when it is not a\n"
    "terminal (add -q to leave log lines out): `printf 'status\\nversion\\n' | escli -q --strict`.";

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

ParseOutcome parse_command_line(int argc, const char* const* argv, const Environment& env) {
  CLI::App app{"escli: console client for eventswitch and FreeSWITCH's event socket", "escli"};
  app.footer(kFooter);
  std::optional<std::string> host, user, password, log_level, config_path, tls_ca, tls_cert,
      tls_key;
  bool tls = false;
  std::optional<int> port, timeout_ms, connect_timeout_ms;
  std::string profile_name, log_uuid_filter;
  std::vector<std::string> execute;
  bool retry = false, reconnect = false, quiet = false, batch = false, no_color = false,
       json = false, log_uuid = false, log_uuid_short = false, no_history = false,
       interrupt = false, strict = false;

  app.add_option("-H,--host", host, "host to connect to (default 127.0.0.1)");
  app.add_option("-P,--port", port, "port to connect to (default 8021)")
      ->check(CLI::Range(1, 65535));
  app.add_option("-u,--user", user, "authenticate as user@domain (userauth)");
  app.add_option("-p,--password", password, "password (default ClueCon)");
  app.add_flag("--tls", tls, "connect with TLS (the server's TLS port, 8022 by convention)");
  app.add_option("--ca", tls_ca,
                 "PEM CAs to trust for the server's certificate (implies --tls; "
                 "default: the system's trust store)");
  app.add_option("--cert", tls_cert, "PEM client certificate to present (implies --tls)");
  app.add_option("--key", tls_key, "PEM key of --cert (default: inside the --cert file)");
  app.add_option("-x,--execute", execute,
                 "run an api command, print its reply and exit (repeatable)")
      ->allow_extra_args(false);
  app.add_option("-l,--log-level", log_level, "log level to receive (console..debug or 0-7)");
  app.add_flag("-q,--quiet", quiet, "receive no log lines");
  app.add_flag("-r,--retry", retry, "retry connecting (once a second, for two minutes)");
  app.add_flag("-R,--reconnect", reconnect,
               "reconnect when the connection drops (once a second, 120 tries); the "
               "subscriptions, filters and log level are restored");
  app.add_flag("-b,--batch", batch, "batch mode: no line editor, prompt or colours");
  app.add_flag("-n,--no-color", no_color, "no colours");
  app.add_flag("--json", json, "JSON output: one object per reply, event or log line");
  app.add_flag("-U,--log-uuid", log_uuid, "prefix log lines with their call's UUID");
  app.add_flag("-S,--log-uuid-short", log_uuid_short, "prefix log lines with a short call UUID");
  app.add_option("-s,--set-log-uuid", log_uuid_filter, "show only the log lines of this call");
  app.add_option("-t,--timeout", timeout_ms, "api reply timeout in ms (default: wait)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("-T,--connect-timeout", connect_timeout_ms, "connect timeout in ms (default 5000)")
      ->check(CLI::PositiveNumber);
  app.add_flag("-Q,--no-history-file", no_history, "do not read or write ~/.escli_history");
  app.add_flag("-i,--interrupt", interrupt, "let Ctrl-C quit");
  app.add_flag("--strict", strict,
               "for scripts: with -x, or commands piped to standard input, stop at the first "
               "reply that starts with -ERR or -USAGE and exit 4");
  app.add_option("-c,--config", config_path, "profile file (default ~/.escli.conf)");
  app.add_option("profile", profile_name, "profile (section of the profile file) to use");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int status = app.exit(error);
    return {std::nullopt, status == 0 ? kExitOk : kExitUsage};
  }

  Settings settings;
  ProfileFile file;
  std::string file_label;
  if (config_path) {
    auto text = read_file(*config_path);
    if (!text) {
      std::fprintf(stderr, "escli: cannot read %s\n", config_path->c_str());
      return {std::nullopt, kExitUsage};
    }
    file = parse_profiles(*text);
    file_label = *config_path;
  } else if (!env.home.empty()) {
    if (auto text = read_file(env.home + "/.escli.conf")) {
      file = parse_profiles(*text);
      file_label = "~/.escli.conf";
    }
  }
  for (const auto& warning : file.warnings) {
    settings.warnings.push_back(fmt::format("{}:{}", file_label, warning));
  }
  ProfileChoice choice = choose_profile(file, profile_name, env.local_hostname);
  if (!choice.profile) {
    std::fprintf(stderr, "escli: %s%s%s\n", choice.error.c_str(), file_label.empty() ? "" : " in ",
                 file_label.c_str());
    return {std::nullopt, kExitUsage};
  }
  Profile& profile = *choice.profile;
  if (host) profile.host = *host;
  if (port) profile.port = static_cast<unsigned short>(*port);
  if (user) profile.user = *user;
  if (password) profile.password = *password;
  if (tls || tls_ca || tls_cert) profile.tls = true;
  if (tls_ca) profile.tls_ca = *tls_ca;
  if (tls_cert) profile.tls_cert = *tls_cert;
  if (tls_key) profile.tls_key = *tls_key;
  if (log_level) {
    profile.log_level = *log_level;
    profile.quiet = false;
  }
  if (quiet) profile.quiet = true;
  if (batch) profile.batch_mode = true;
  if (no_color || env.no_color) profile.color = false;
  if (json) profile.json = true;
  if (log_uuid) profile.log_uuid = true;
  if (log_uuid_short) {
    profile.log_uuid = true;
    profile.log_uuid_length = kShortUuidLength;
  }
  if (timeout_ms) profile.timeout = std::chrono::milliseconds(*timeout_ms);
  if (connect_timeout_ms) profile.connect_timeout = std::chrono::milliseconds(*connect_timeout_ms);
  if (no_history) profile.use_history_file = false;

  settings.profile = std::move(profile);
  settings.execute = std::move(execute);
  settings.retry = retry;
  settings.reconnect = reconnect;
  settings.allow_interrupt = interrupt;
  settings.strict = strict;
  settings.log_uuid_filter = log_uuid_filter;
  if (settings.profile.use_history_file && !env.home.empty()) {
    settings.history_path = env.home + "/.escli_history";
  }
  return {std::move(settings), kExitOk};
}

}  // namespace es::apps::escli
