// outbound_ivr: an outbound event socket application. The switch's `socket` application
// connects to us and hands over one call per connection; for each call we answer, play a
// prompt while collecting digits (play_and_get_digits), read the digits back with getvar, say
// what we got (on stdout and in the switch's log) and hang up.
//
//   outbound_ivr [--host 127.0.0.1] [--port 8084] [--calls N]
//
// Dialplan action sending calls here (eventswitch or FreeSWITCH):
//   <action application="socket" data="127.0.0.1:8084 async full"/>
// or from the command line: api originate null/1 'socket:127.0.0.1:8084 async full' inline
//
// --port 0 picks a free port; the "listening on" line says which. --calls N stops after N calls
// (0: serve forever).
#include <fmt/core.h>
#include <CLI/CLI.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include "client/outbound_server.hpp"

namespace {

using namespace std::chrono_literals;
using es::client::OutboundSession;

struct Options {
  std::string host = "127.0.0.1";
  unsigned short port = 8084;
  int calls = 0;
  // The prompt and the "invalid entry" sound: anything playback opens. Tones keep the example
  // free of sound files; a real IVR would name recordings here.
  std::string prompt = "tone_stream://%(1000,0,440)";
  std::string invalid = "tone_stream://%(200,0,300)";
};

// Everything one call does, start to end.
asio::awaitable<void> serve_call(std::unique_ptr<OutboundSession> session, Options options) {
  // connect must come first: the switch answers it with the channel's data.
  es::client::Event channel = co_await session->connect();
  const std::string uuid = session->uuid();
  fmt::print("{}: call from {} to {}\n", uuid, channel.header_or("Caller-Caller-ID-Number"),
             channel.header_or("Caller-Destination-Number"));

  co_await session->myevents();  // the call's events; the session ends at its hangup
  co_await session->execute("answer");

  // min 1, max 4 digits, 3 tries, 5 s after the prompt for the first digit, '#' ends the input;
  // the digits land in channel variable ivr_digits when they match the regex.
  co_await session->execute("play_and_get_digits", fmt::format("1 4 3 5000 # {} {} ivr_digits \\d+",
                                                               options.prompt, options.invalid));
  std::string digits = co_await session->getvar("ivr_digits");
  std::string said = digits.empty() ? "no digits" : "caller entered " + digits;
  fmt::print("{}: {}\n", uuid, said);
  co_await session->execute("log", "INFO outbound_ivr: " + said);  // into the switch's log

  // Linger first: in async mode the switch sends its disconnect notice as soon as the call
  // hangs up, which can come before the call's last events. Lingering, it keeps the socket
  // open until we leave, so CHANNEL_HANGUP_COMPLETE is sure to arrive.
  co_await session->linger();
  es::client::Reply reply = co_await session->hangup();
  fmt::print("{}: hangup: {}\n", uuid, reply.text);
  while (auto event = co_await session->connection().next_event(5s)) {
    if (event->name() == "CHANNEL_HANGUP_COMPLETE") {
      fmt::print("{}: ended, cause {}\n", uuid, event->header_or("Hangup-Cause"));
      break;
    }
  }
  co_await session->connection().disconnect();  // "exit" ends the lingering connection
}

asio::awaitable<void> serve(es::client::OutboundServer& server, Options options) {
  for (int accepted = 0; options.calls == 0 || accepted < options.calls; ++accepted) {
    std::unique_ptr<OutboundSession> session = co_await server.accept();
    // Each call runs on its own; a call that fails (hung up early...) only ends itself.
    asio::co_spawn(co_await asio::this_coro::executor, serve_call(std::move(session), options),
                   [](const std::exception_ptr& error) {
                     if (!error) return;
                     try {
                       std::rethrow_exception(error);
                     } catch (const std::exception& e) {
                       fmt::print("call failed: {}\n", e.what());
                     }
                   });
  }
  server.close();  // the running calls finish; then io.run() returns
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App cli("Answers calls handed over by the socket application and collects digits.");
  cli.add_option("--host", options.host, "address to listen on");
  cli.add_option("--port", options.port, "port to listen on (0: any free port)");
  cli.add_option("--calls", options.calls, "calls to take before exiting (0: no limit)");
  cli.add_option("--prompt", options.prompt, "prompt played while collecting digits");
  CLI11_PARSE(cli, argc, argv);

  asio::io_context io;
  es::client::OutboundServer server(io.get_executor());
  try {
    server.listen(options.host, options.port);
  } catch (const std::exception& error) {
    fmt::print(stderr, "outbound_ivr: {}\n", error.what());
    return 1;
  }
  fmt::print("listening on {}:{}\n", options.host, server.port());
  std::fflush(stdout);
  int status = 0;
  asio::co_spawn(io, serve(server, options), [&](const std::exception_ptr& error) {
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {  // accept() failed
      fmt::print(stderr, "outbound_ivr: {}\n", e.what());
      status = 1;
    }
  });
  io.run();
  return status;
}
