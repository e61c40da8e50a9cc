// httpivr: the switch's `socket` application hands calls over; each runs as JSON webhooks
// (docs/httpivr.md).
#include <fmt/core.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>

#include <csignal>
#include <thread>
#include <vector>

#include "apps/httpivr/call_flow.hpp"
#include "apps/httpivr/ivr_settings.hpp"
#include "client/outbound_server.hpp"

namespace {

using es::apps::httpivr::CallFlow;
using es::apps::httpivr::IvrCounters;
using es::apps::httpivr::IvrSettings;
using es::apps::httpivr::MediaCache;
using es::apps::httpivr::WebhookClient;

asio::awaitable<void> accept_calls(es::client::OutboundServer& server, const IvrSettings& settings,
                                   WebhookClient& webhooks, MediaCache& media,
                                   IvrCounters& counters) {
  auto executor = co_await asio::this_coro::executor;
  for (int taken = 0; settings.max_calls == 0 || taken < settings.max_calls; ++taken) {
    std::unique_ptr<es::client::OutboundSession> session = co_await server.accept();
    auto flow = std::make_shared<CallFlow>(std::move(session), settings, webhooks, media, counters);
    // The flow catches everything itself; holding the shared pointer in the completion keeps it
    // alive until its coroutine is done.
    asio::co_spawn(executor, flow->run(), [flow](const std::exception_ptr&) {});
  }
  server.close();
}

}  // namespace

int main(int argc, char** argv) {
  int exit_code = 0;
  std::optional<IvrSettings> settings = es::apps::httpivr::parse_settings(argc, argv, exit_code);
  if (!settings) return exit_code;
  std::signal(SIGPIPE, SIG_IGN);  // a webhook closing early must not kill the process

  asio::io_context io(settings->threads);
  es::client::ConnectionOptions options;
  // Applications run as long as the caller takes (a recording, a bridge): no reply deadline.
  options.command_timeout = std::chrono::milliseconds::zero();
  es::client::OutboundServer server(io.get_executor(), options);
  try {
    server.listen(settings->listen_host, settings->listen_port);
  } catch (const std::exception& e) {
    fmt::print(stderr, "httpivr: {}\n", e.what());
    return 1;
  }
  fmt::print(stderr, "httpivr: listening on {}:{}, first request to {}\n", settings->listen_host,
             server.port(), settings->url);
  WebhookClient webhooks(settings->webhook);
  MediaCache media(settings->media_cache_dir, webhooks);
  IvrCounters counters;

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const std::error_code& error, int) {
    if (error) return;
    fmt::print(stderr, "httpivr: stopping; calls active {}\n", counters.active.load());
    server.close();
    io.stop();
  });
  asio::co_spawn(io, accept_calls(server, *settings, webhooks, media, counters),
                 [&](const std::exception_ptr& error) {
                   if (error) {
                     try {
                       std::rethrow_exception(error);
                     } catch (const std::exception& e) {
                       fmt::print(stderr, "httpivr: accept: {}\n", e.what());
                     }
                   }
                   // No more calls (--max-calls reached, or the listener failed): the running
                   // calls finish, then io.run() returns.
                   signals.cancel();
                 });
  std::vector<std::thread> threads;
  for (int i = 1; i < settings->threads; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (std::thread& t : threads) t.join();
  return 0;
}
