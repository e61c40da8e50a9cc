// json: the JSON API wrapper (mod_commands.c: json_function; src/switch_loadable_module.c:
// switch_json_api_execute) with the JSON APIs that need no channel: status and fsapi.
#include <sys/resource.h>

#include "core/commands/command_groups.hpp"
#include "core/commands/json_value.hpp"
#include "protocol/ascii.hpp"

namespace es::core::commands {
namespace {

JsonValue json_status(Runtime& rt) {
  auto& stats = rt.sessions();
  std::int64_t elapsed = rt.clock().now_epoch_us() - rt.identity().start_epoch_us;
  std::uint64_t total = elapsed < 0 ? 0 : static_cast<std::uint64_t>(elapsed);
  std::uint64_t rest = total / 1000;
  JsonValue uptime = JsonValue::object();
  std::uint64_t microseconds = total % 1000, milliseconds = rest % 1000;
  rest /= 1000;
  std::uint64_t seconds = rest % 60;
  rest /= 60;
  std::uint64_t minutes = rest % 60;
  rest /= 60;
  std::uint64_t hours = rest % 24;
  rest /= 24;
  uptime.add_member("years", JsonValue::number(static_cast<double>(rest / 365)));
  uptime.add_member("days", JsonValue::number(static_cast<double>(rest % 365)));
  uptime.add_member("hours", JsonValue::number(static_cast<double>(hours)));
  uptime.add_member("minutes", JsonValue::number(static_cast<double>(minutes)));
  uptime.add_member("seconds", JsonValue::number(static_cast<double>(seconds)));
  uptime.add_member("milliseconds", JsonValue::number(static_cast<double>(milliseconds)));
  uptime.add_member("microseconds", JsonValue::number(static_cast<double>(microseconds)));

  bool paused_both = !stats.accepting_inbound && !stats.accepting_outbound;
  bool ready = !rt.settings().shutdown_requested && !paused_both;

  JsonValue reply = JsonValue::object();
  reply.add_member("systemStatus", JsonValue::string(ready ? "ready" : "not ready"));
  reply.add_member("uptime", std::move(uptime));
  reply.add_member("version", JsonValue::string(std::string(kVersionFullHuman)));

  JsonValue count = JsonValue::object();
  count.add_member("total", JsonValue::number(static_cast<double>(stats.since_startup.load())));
  count.add_member("active", JsonValue::number(stats.active.load()));
  count.add_member("peak", JsonValue::number(stats.peak.load()));
  count.add_member("peak5Min", JsonValue::number(stats.peak_5min.load()));
  count.add_member("limit", JsonValue::number(stats.max_sessions.load()));
  JsonValue rate = JsonValue::object();
  rate.add_member("current", JsonValue::number(stats.last_sps.load()));
  rate.add_member("max", JsonValue::number(stats.max_sps.load()));
  rate.add_member("peak", JsonValue::number(stats.sps_peak.load()));
  rate.add_member("peak5Min", JsonValue::number(stats.sps_peak_5min.load()));
  JsonValue sessions = JsonValue::object();
  sessions.add_member("count", std::move(count));
  sessions.add_member("rate", std::move(rate));
  reply.add_member("sessions", std::move(sessions));

  // FreeSWITCH names these the other way round; kept for compatibility.
  JsonValue idle = JsonValue::object();
  idle.add_member("used", JsonValue::number(rt.settings().min_idle_cpu.load()));
  idle.add_member("allowed", JsonValue::number(rt.idle_cpu.load()));
  reply.add_member("idleCPU", std::move(idle));

  rlimit limit{};
  if (getrlimit(RLIMIT_STACK, &limit) == 0) {
    JsonValue stack = JsonValue::object();
    stack.add_member(
        "current",
        JsonValue::number(static_cast<double>(static_cast<std::size_t>(limit.rlim_cur) / 1024)));
    stack.add_member(
        "max",
        JsonValue::number(static_cast<double>(static_cast<std::size_t>(limit.rlim_max) / 1024)));
    reply.add_member("stackSizeKB", std::move(stack));
  }
  return reply;
}

// fsapi: {"cmd": ..., "arg": ...} -> {"message": output} or "INVALID CALL".
ApiStatus json_fsapi(Runtime& rt, const JsonValue& request, JsonValue& reply,
                     const ApiContext& context) {
  const JsonValue* data = request.member("data");
  const JsonValue* cmd =
      data && data->type() == JsonValue::Type::kObject ? data->member("cmd") : nullptr;
  const JsonValue* arg =
      data && data->type() == JsonValue::Type::kObject ? data->member("arg") : nullptr;
  if (cmd && !cmd->is_string()) cmd = nullptr;
  if (arg && !arg->is_string()) arg = nullptr;
  reply = JsonValue::object();
  ApiStatus status = ApiStatus::kSuccess;
  if (cmd) {
    ApiContext own = context;
    own.api_event = nullptr;
    ApiResult result = rt.api().execute(cmd->as_string(), arg ? arg->as_string() : "", own);
    status = result.status;
    if (status == ApiStatus::kSuccess) {
      reply.add_member("message", JsonValue::string(std::move(result.output)));
      return status;
    }
  }
  reply.add_member("message", JsonValue::string("INVALID CALL"));
  return status;
}

ApiStatus json_command(Runtime& rt, std::string_view arg, std::string& out,
                       const ApiContext& context) {
  if (arg.empty()) {
    out += "-ERR No JSON supplied.\n";
    return ApiStatus::kSuccess;
  }
  auto parsed = JsonValue::parse(arg);
  if (!parsed) {
    out += "-ERR Parse error.\n";
    return ApiStatus::kSuccess;
  }
  JsonValue& request = *parsed;
  const JsonValue* function = request.member("command");
  bool pretty = false;
  if (const JsonValue* format = request.member("format"); format && format->is_string()) {
    pretty = protocol::iequals(format->as_string(), "pretty");
  }

  std::string name = function && function->is_string() ? function->as_string() : std::string();
  bool known = function && function->is_string() && request.member("data") &&
               (protocol::iequals(name, "status") || protocol::iequals(name, "fsapi"));
  if (known) {
    JsonValue reply;
    ApiStatus status = ApiStatus::kSuccess;
    if (protocol::iequals(name, "status")) {
      reply = json_status(rt);
    } else {
      status = json_fsapi(rt, request, reply, context);
    }
    if (status != ApiStatus::kSuccess) {
      request.add_member("status", JsonValue::string("error"));
      request.add_member("message", JsonValue::string("The command returned an error"));
    } else {
      request.add_member("status", JsonValue::string("success"));
    }
    request.add_member("response", std::move(reply));
  } else {
    request.add_member("status", JsonValue::string("error"));
    request.add_member("message", JsonValue::string("Invalid request or non-existant command"));
    request.add_member("response", JsonValue::null());
  }
  out += pretty ? request.print_formatted() : request.print_unformatted();
  out += '\n';
  return ApiStatus::kSuccess;
}

}  // namespace

void register_json_command(Runtime& rt) {
  add_command(rt, "json", "JSON API", "JSON",
              [&rt](std::string_view arg, std::string& out, const ApiContext& context) {
                return json_command(rt, arg, out, context);
              });
}

}  // namespace es::core::commands
