// api originate (api-commands.md 4): blocks its worker thread until the leg answers, has early
// media, or fails; the switch's strands do the work.
#include <asio/co_spawn.hpp>
#include <asio/strand.hpp>

#include <fmt/format.h>

#include <future>

#include "core/commands/separate_string.hpp"
#include "switch/commands/switch_commands.hpp"
#include "switch/dialstring/originate_args.hpp"
#include "switch/originate.hpp"
#include "switch/session/hangup_cause.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {

void register_originate_command(SwitchCore& core) {
  core::ApiCommand command;
  command.name = "originate";
  command.module = "mod_commands";
  command.description = "Originate a call";
  command.syntax =
      "<call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] [<cid_name>] "
      "[<cid_num>] [<timeout_sec>]";
  command.function = [&core](std::string_view arg, std::string& out,
                             const core::ApiContext&) -> core::ApiStatus {
    auto parsed = parse_originate_args(arg);
    if (!parsed.args) {
      out += parsed.error_text;
      return core::ApiStatus::kSuccess;
    }
    OriginateArgs args = *parsed.args;
    OriginateOptions options;
    options.timeout_s = args.timeout_s;
    options.cid_name = args.cid_name;
    options.cid_num = args.cid_num;
    std::promise<OriginateResult> promise;
    auto future = promise.get_future();
    asio::co_spawn(
        asio::make_strand(core.io()),
        [&core, url = args.call_url, options]() { return originate(core, url, options); },
        [&promise](std::exception_ptr error, OriginateResult result) {
          if (error) result.cause = 700;
          promise.set_value(std::move(result));
        });
    OriginateResult result = future.get();
    if (!result.leg) {
      out += fmt::format("-ERR {}\n", cause_name(result.cause));
      return core::ApiStatus::kSuccess;
    }
    if (args.is_app) {
      start_leg_with_application(result.leg, args.app, args.app_arg);
    } else {
      start_leg_with_transfer(result.leg, args.exten, args.dialplan, args.context);
    }
    out += fmt::format("+OK {}\n", result.leg->uuid());
    return core::ApiStatus::kSuccess;
  };
  core.runtime().api().add(std::move(command));
}

}  // namespace es::sw
