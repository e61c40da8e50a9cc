// api originate (docs/api-behaviour.md §4): completes when the leg answers, has early media, or
// fails. The event socket runs it asynchronously (no thread waits); the blocking form is for
// callers that need one.
#include <asio/co_spawn.hpp>
#include <asio/strand.hpp>

#include <fmt/format.h>

#include <future>

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
  // The work is asynchronous: the originate coroutine runs on a strand of its own and the
  // completion starts the answered leg. The blocking form (console, sched_api, ${api()})
  // waits for that completion.
  command.async_function = [&core](const std::string& arg, const core::ApiContext& context,
                                   core::ApiCompletion done) {
    auto parsed = parse_originate_args(arg);
    if (!parsed.args) {
      done(core::ApiStatus::kSuccess, parsed.error_text);
      return;
    }
    OriginateArgs args = *parsed.args;
    OriginateOptions options;
    options.timeout_s = args.timeout_s;
    options.cid_name = args.cid_name;
    options.cid_num = args.cid_num;
    options.rules = context.rules;
    asio::co_spawn(
        asio::make_strand(core.io()),
        [&core, url = args.call_url, options]() { return originate(core, url, options); },
        [args, done = std::move(done)](const std::exception_ptr& error, OriginateResult result) {
          if (error) result.cause = cause::kCrash;
          if (!result.leg) {
            done(core::ApiStatus::kSuccess, fmt::format("-ERR {}\n", cause_name(result.cause)));
            return;
          }
          if (args.is_app) {
            start_leg_with_application(result.leg, args.app, args.app_arg);
          } else {
            start_leg_with_transfer(result.leg, args.exten, args.dialplan, args.context);
          }
          done(core::ApiStatus::kSuccess, fmt::format("+OK {}\n", result.leg->uuid()));
        });
  };
  command.function = [start = command.async_function](std::string_view arg, std::string& out,
                                                      const core::ApiContext& context) {
    std::promise<std::pair<core::ApiStatus, std::string>> promise;
    auto future = promise.get_future();
    start(std::string(arg), context, [&promise](core::ApiStatus status, std::string output) {
      promise.set_value({status, std::move(output)});
    });
    auto [status, output] = future.get();
    out += output;
    return status;
  };
  core.runtime().api().add(std::move(command));
}

}  // namespace es::sw
