// fsctl, msleep, sleep, reloadxml, shutdown and "..." (mod_commands.c: ctl_function, ...;
// the settings follow src/switch_core.c: switch_core_session_ctl).
#include <fmt/format.h>

#include <chrono>
#include <thread>

#include "core/commands/command_groups.hpp"
#include "core/text/separate_string.hpp"
#include "core/text/text.hpp"
#include "protocol/ascii.hpp"

namespace es::core::commands {
namespace {

constexpr std::string_view kCtlSyntax =
    "[api_expansion [on|off]|recover|send_sighup|hupall|pause [inbound|outbound]|resume "
    "[inbound|outbound]|shutdown [cancel|elegant|asap|now|restart]|uuid_version [4|7]|sps|"
    "sps_peak_reset|sync_clock|sync_clock_when_idle|reclaim_mem|max_sessions|min_dtmf_duration "
    "[num]|max_dtmf_duration [num]|default_dtmf_duration [num]|min_idle_cpu|loglevel "
    "[level]|debug_level [level]|mdns_resolve [enable|disable]]";

constexpr std::uint32_t kMinDtmfDuration = 400;
constexpr std::uint32_t kMaxDtmfDuration = 192000;
constexpr int kLogInvalid = 64;
constexpr std::string_view kLevelNames[] = {"DISABLE", "CONSOLE", "ALERT", "CRIT", "ERR",
                                            "WARNING", "NOTICE",  "INFO",  "DEBUG"};

// switch_log_str2level.
int log_level_from_word(std::string_view word) {
  if (text::is_number(word)) {
    long long value = text::c_atol(word);
    if (value > kLogInvalid) return kLogInvalid - 1;
    return value < 0 ? 0 : static_cast<int>(value);
  }
  for (std::size_t i = 0; i < std::size(kLevelNames); ++i) {
    if (protocol::iequals(word, kLevelNames[i])) return static_cast<int>(i) - 1;
  }
  return kLogInvalid;
}

std::uint32_t clamp_dtmf(long long value) {
  if (value > kMaxDtmfDuration) return kMaxDtmfDuration;
  if (value < kMinDtmfDuration) return kMinDtmfDuration;
  return static_cast<std::uint32_t>(value);
}

void update_accepting(SessionStats& stats) {
  stats.accepting = stats.accepting_inbound.load() && stats.accepting_outbound.load();
}

void pause_or_resume(Runtime& rt, const std::string* direction, bool pause) {
  auto& stats = rt.sessions();
  bool inbound = !direction || !protocol::iequals(*direction, "outbound");
  bool outbound = !direction || !protocol::iequals(*direction, "inbound");
  if (direction && !protocol::iequals(*direction, "inbound") &&
      !protocol::iequals(*direction, "outbound")) {
    inbound = outbound = true;
  }
  if (inbound) stats.accepting_inbound = !pause;
  if (outbound) stats.accepting_outbound = !pause;
  update_accepting(stats);
}

// A flag with "on|off" semantics: no word reads it, a word sets it.
bool toggle_flag(std::atomic<bool>& flag, const std::string* word) {
  if (word) flag = text::switch_true(*word);
  return flag.load();
}

void request_shutdown(Runtime& rt) {
  rt.settings().shutdown_requested = true;
  if (ProcessControl* process = rt.process_control()) process->request_shutdown();
}

ApiStatus fsctl(Runtime& rt, std::string_view arg, std::string& out) {
  if (arg.empty()) {
    out += fmt::format("-USAGE: {}\n", kCtlSyntax);
    return ApiStatus::kSuccess;
  }
  auto argv = text::separate_string(arg, ' ', 6);
  auto word = [&](std::size_t i) -> const std::string* {
    return i < argv.size() ? &argv[i] : nullptr;
  };
  std::size_t argc = argv.size();
  const std::string command = argc ? argv[0] : std::string();
  auto& settings = rt.settings();
  auto& stats = rt.sessions();
  auto is = [&](std::string_view name) { return protocol::iequals(command, name); };

  if (is("hupall")) {
    if (ChannelDirectory* channels = rt.channels()) channels->hangup_all();
    out += "+OK\n";
  } else if (is("recover")) {
    bool flush = word(1) && protocol::iequals(word(1)->substr(0, word(1)->find(':')), "flush");
    out += flush ? "+OK flushed\n" : "+OK 0 session(s) recovered in total\n";
  } else if (is("flush_db_handles") || is("send_sighup") || is("calibrate_clock") || is("crash") ||
             is("save_history") || is("reclaim_mem")) {
    out += "+OK\n";
  } else if (is("pause") || is("resume")) {
    pause_or_resume(rt, word(1), is("pause"));
    out += "+OK\n";
  } else if (is("verbose_events")) {
    out += fmt::format("+OK verbose_events is {} \n",
                       toggle_flag(settings.verbose_events, word(1)) ? "on" : "off");
  } else if (is("api_expansion")) {
    out += fmt::format("+OK api_expansion is {} \n",
                       toggle_flag(settings.api_expansion, word(1)) ? "on" : "off");
  } else if (is("threaded_system_exec")) {
    out += fmt::format("+OK threaded_system_exec is {} \n",
                       toggle_flag(settings.threaded_system_exec, word(1)) ? "true" : "false");
  } else if (is("pause_check")) {
    bool paused = !stats.accepting_inbound && !stats.accepting_outbound;
    if (word(1) && protocol::iequals(*word(1), "inbound")) paused = !stats.accepting_inbound;
    if (word(1) && protocol::iequals(*word(1), "outbound")) paused = !stats.accepting_outbound;
    out += paused ? "true" : "false";
  } else if (is("ready_check")) {
    bool paused_both = !stats.accepting_inbound && !stats.accepting_outbound;
    out += !settings.shutdown_requested && !paused_both ? "true" : "false";
  } else if (is("shutdown_check")) {
    out += settings.shutdown_requested ? "true" : "false";
  } else if (is("shutdown")) {
    bool cancel = false;
    for (std::size_t i = 1; i < 5 && word(i); ++i) {
      if (protocol::iequals(*word(i), "cancel")) {
        cancel = true;
        break;
      }
    }
    if (cancel) {
      settings.shutdown_requested = false;
    } else {
      request_shutdown(rt);
    }
    out += "+OK\n";
  } else if (is("debug_pool")) {
    // FreeSWITCH dumps memory pool statistics here; this switch has no pools to report.
  } else if (is("debug_sql")) {
    settings.debug_sql = !settings.debug_sql;
    out += fmt::format("+OK SQL DEBUG [{}]\n", settings.debug_sql ? "on" : "off");
  } else if (is("sql")) {
    if (word(1)) out += "+OK\n";
  } else if (is("max_sessions")) {
    long long value = argc > 1 ? text::c_atol(argv[1]) : 0;
    if (value) stats.max_sessions = static_cast<std::uint32_t>(value);
    out += fmt::format("+OK max sessions: {}\n", static_cast<std::int32_t>(stats.max_sessions));
  } else if (is("min_idle_cpu")) {
    double value = argc > 1 ? text::c_atof(argv[1]) : -1.0;
    if (value >= 0) settings.min_idle_cpu = value;
    double current = settings.min_idle_cpu;
    out += current != 0.0 ? fmt::format("+OK min idle cpu: {:.2f}%\n", current)
                          : std::string("+OK min idle cpu: DISABLED\n");
  } else if (is("max_dtmf_duration")) {
    long long value = argc > 1 ? text::c_atol(argv[1]) : 0;
    if (value) {
      auto duration = clamp_dtmf(value);
      settings.max_dtmf_duration = duration;
      if (duration < settings.min_dtmf_duration) settings.min_dtmf_duration = duration;
    }
    out += fmt::format("+OK max dtmf duration: {}\n", settings.max_dtmf_duration.load());
  } else if (is("min_dtmf_duration")) {
    long long value = argc > 1 ? text::c_atol(argv[1]) : 0;
    if (value) {
      auto duration = clamp_dtmf(value);
      settings.min_dtmf_duration = duration;
      if (duration > settings.max_dtmf_duration) settings.max_dtmf_duration = duration;
    }
    out += fmt::format("+OK min dtmf duration: {}\n", settings.min_dtmf_duration.load());
  } else if (is("default_dtmf_duration")) {
    long long value = argc > 1 ? text::c_atol(argv[1]) : 0;
    if (value) {
      auto duration = clamp_dtmf(value);
      settings.default_dtmf_duration = duration;
      if (duration < settings.min_dtmf_duration) settings.min_dtmf_duration = duration;
      if (duration > settings.max_dtmf_duration) settings.max_dtmf_duration = duration;
    }
    out += fmt::format("+OK default dtmf duration: {}\n", settings.default_dtmf_duration.load());
  } else if (is("loglevel")) {
    int level = -1;
    if (argc > 1) {
      char first = argv[1].empty() ? '\0' : argv[1][0];
      level = first >= '0' && first <= '9' ? static_cast<int>(text::c_atol(argv[1]))
                                           : log_level_from_word(argv[1]);
    }
    if (level == kLogInvalid) {
      out += "-ERR syntax error, log level not set!\n";
    } else {
      if (level > 7) level = 7;
      rt.console_log_level = level;
      out += fmt::format("+OK log level: {} [{}]\n", kLevelNames[level + 1], level);
    }
  } else if (is("debug_level")) {
    long long value = argc > 1 ? text::c_atol(argv[1]) : -1;
    if (value > -1) settings.debug_level = static_cast<int>(std::min<long long>(value, 10));
    out += fmt::format("+OK DEBUG level: {}\n", settings.debug_level.load());
  } else if (is("sps_peak_reset")) {
    stats.sps_peak = 0;
    out += "+OK max sessions per second counter reset\n";
  } else if (is("last_sps")) {
    out += fmt::format("+OK last sessions per second: {}\n", stats.last_sps.load());
  } else if (is("sps")) {
    long long value = argc > 1 ? text::c_atol(argv[1]) : 0;
    if (value > 0) stats.max_sps = static_cast<std::uint32_t>(value);
    out += fmt::format("+OK sessions per second: {}\n", stats.max_sps.load());
  } else if (is("uuid_version")) {
    long long value = argc > 1 ? text::c_atol(argv[1]) : 0;
    if (value > 0) settings.uuid_version = static_cast<int>(value);
    out += fmt::format("+OK set uuid version: {}\n", settings.uuid_version.load());
  } else if (is("sync_clock")) {
    out += "+OK clock synchronized\n";
  } else if (is("sync_clock_when_idle")) {
    out += stats.active == 0 ? "+OK clock synchronized\n"
                             : "+OK clock will synchronize when there are no more calls\n";
  } else if (is("mdns_resolve") && word(1) &&
             (protocol::iequals(*word(1), "enable") || protocol::iequals(*word(1), "disable"))) {
    out += "+OK\n";
  } else {
    out += fmt::format("-ERR Invalid command\nUSAGE: fsctl {}\n", kCtlSyntax);
  }
  return ApiStatus::kSuccess;
}

ApiStatus sleep_ms(std::string_view arg, std::string& out) {
  long long ms = text::c_atol(arg);
  if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  out += "+OK";
  return ApiStatus::kSuccess;
}

}  // namespace

void register_process_control_commands(Runtime& rt) {
  add_command(rt, "fsctl", "FS control messages", std::string(kCtlSyntax),
              [&rt](std::string_view arg, std::string& out, const ApiContext&) {
                return fsctl(rt, arg, out);
              });
  add_command(
      rt, "msleep", "Sleep N milliseconds", "<milliseconds>",
      [](std::string_view arg, std::string& out, const ApiContext&) { return sleep_ms(arg, out); });
  // Not in mod_commands: an alias of msleep kept for scripts written against this switch.
  add_command(
      rt, "sleep", "Sleep N milliseconds", "<milliseconds>",
      [](std::string_view arg, std::string& out, const ApiContext&) { return sleep_ms(arg, out); });
  add_command(rt, "reloadxml", "Reload XML", "",
              [&rt](std::string_view, std::string& out, const ApiContext&) {
                ProcessControl* process = rt.process_control();
                std::string error = process != nullptr ? process->reload_xml() : std::string();
                out += fmt::format("+OK [{}]\n", error.empty() ? "Success" : error);
                return ApiStatus::kSuccess;
              });
  for (const char* name : {"...", "shutdown"}) {
    add_command(rt, name, "Shutdown", "",
                [&rt](std::string_view, std::string& out, const ApiContext&) {
                  out += "+OK\n";
                  request_shutdown(rt);
                  return ApiStatus::kSuccess;
                });
  }
}

}  // namespace es::core::commands
