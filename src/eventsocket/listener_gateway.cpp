// Gateway mode's side of the inbound commands (docs/gateway.md): api, bgapi, sendmsg and
// sendevent go to the upstreams through core::UpstreamGateway after the same rights checks as
// in local mode; the reader waits for each reply so replies keep command order, as FreeSWITCH
// answers them. Also the replay extension.
#include <fmt/format.h>
#include <asio/defer.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <charconv>
#include <functional>
#include <memory>
#include <optional>

#include "core/text/text.hpp"
#include "core/upstream_gateway.hpp"
#include "eventsocket/command_text.hpp"
#include "eventsocket/listener.hpp"
#include "protocol/header_fields.hpp"

namespace es::eventsocket {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

// A gateway call's reply, awaited on the listener's strand: the completion (from any thread) is
// posted there, where `answer` queues the client's reply at once (an idle writer's socket takes
// it from there, before the reader resumes), then cancels the timer the reader waits on. Plain
// functions around a plain loop: GCC 12 mishandles lambdas and structured bindings kept in
// coroutine frames.
struct GatewayWait {
  explicit GatewayWait(const asio::any_io_executor& executor)
      : timer(executor, asio::steady_timer::time_point::max()) {}
  asio::steady_timer timer;
  bool answered = false;
};

std::function<void(std::string)> completion_of(const std::shared_ptr<GatewayWait>& wait,
                                               const asio::strand<asio::any_io_executor>& strand,
                                               std::function<void(std::string)> answer) {
  // Deferred, not posted: the upstream's reader thread writes the reply itself once its
  // handler returns, instead of waking another thread for it.
  return [wait, strand, answer = std::move(answer)](std::string result) {
    asio::defer(strand, [wait, answer, result = std::move(result)]() mutable {
      answer(std::move(result));
      wait->answered = true;
      wait->timer.cancel();
    });
  };
}

asio::awaitable<void> wait_for(std::shared_ptr<GatewayWait> wait) {
  while (!wait->answered) {
    co_await wait->timer.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
  }
}

// "@name rest": the upstream the client picked, and the command without it.
std::pair<std::string, std::string_view> split_target(std::string_view text) {
  text = skip_spaces(text);
  if (!text.starts_with('@')) return {std::string(), text};
  const std::size_t space = text.find(' ');
  std::string target(text.substr(1, space == std::string_view::npos ? text.npos : space - 1));
  return {std::move(target),
          space == std::string_view::npos ? std::string_view() : skip_spaces(text.substr(space))};
}

Headers packet_headers(const protocol::CommandPacket& packet) {
  Headers headers;
  headers.reserve(packet.headers.size());
  for (const auto& header : packet.headers) headers.emplace_back(header.name, header.value);
  return headers;
}

}  // namespace

asio::awaitable<void> Listener::await_upstream_subscription() {
  core::UpstreamGateway* gateway = context_.runtime.upstream_gateway();
  if (gateway == nullptr) co_return;
  auto wait = std::make_shared<GatewayWait>(strand_);
  std::function<void(std::string)> completion =
      completion_of(wait, strand_, [](const std::string&) {});
  gateway->sync_subscription([completion] { completion(std::string()); });
  co_await wait_for(wait);
}

asio::awaitable<void> Listener::gateway_api(core::UpstreamGateway& gateway,
                                            const protocol::CommandPacket& packet,
                                            std::string_view text) {
  // No structured bindings in this coroutine: GCC misplaces them in coroutine frames.
  std::pair<std::string, std::string_view> targeted = split_target(text);
  std::string target = std::move(targeted.first);
  const std::string_view command = targeted.second;
  const std::string* console = packet.header("console_execute");
  const bool console_mode = console && text::switch_true(*console);
  const std::pair<std::string_view, std::string_view> words = split_command(command);
  const std::string_view name = words.first;
  const std::string_view arg = words.second;
  if (console_mode ? !console_allowed(command) : !api_allowed(name, arg)) {
    reply("-ERR permission denied");
    co_return;
  }
  auto wait = std::make_shared<GatewayWait>(strand_);
  gateway.api(std::move(target), std::string(command),
              completion_of(wait, strand_, [self = shared_from_this()](const std::string& body) {
                self->send(protocol::api_response(body));
              }));
  co_await wait_for(wait);
}

void Listener::gateway_bgapi(core::UpstreamGateway& gateway, const protocol::CommandPacket& packet,
                             std::string_view text) {
  auto [target, command] = split_target(text);
  auto [name, arg] = split_command(command);
  std::optional<std::string> job_uuid = start_bgapi_job(packet, name, arg);
  if (!job_uuid) return;
  // The job's BACKGROUND_JOB reaches this client only, through its own subscription check.
  gateway.bgapi(std::move(target), std::string(command), std::move(*job_uuid),
                [self = shared_from_this()](const core::FiredEventPtr& job) {
                  self->on_event(job);
                  self->end_bgapi_job();
                });
}

asio::awaitable<void> Listener::gateway_sendmsg(core::UpstreamGateway& gateway,
                                                const protocol::CommandPacket& packet,
                                                std::string_view text) {
  std::string target(skip_spaces(text));
  if (target.empty()) {
    if (const std::string* sid = packet.header("Session-ID")) target = *sid;
  }
  if (target.empty()) {
    reply("-ERR invalid session id []");
    co_return;
  }
  auto wait = std::make_shared<GatewayWait>(strand_);
  gateway.sendmsg(
      std::move(target), packet_headers(packet), packet.body,
      completion_of(wait, strand_,
                    [self = shared_from_this()](const std::string& text) { self->reply(text); }));
  co_await wait_for(wait);
}

asio::awaitable<void> Listener::gateway_sendevent(core::UpstreamGateway& gateway,
                                                  const protocol::CommandPacket& packet,
                                                  std::string_view text) {
  std::string_view name = skip_spaces(text);
  for (const auto& h : packet.headers) {
    if (!protocol::valid_header_name(h.name)) {
      reply("-ERR invalid header name");
      co_return;
    }
  }
  auto wait = std::make_shared<GatewayWait>(strand_);
  gateway.sendevent(
      std::string(name), packet_headers(packet), packet.body,
      completion_of(wait, strand_,
                    [self = shared_from_this()](const std::string& text) { self->reply(text); }));
  co_await wait_for(wait);
}

void Listener::cmd_replay(core::UpstreamGateway& gateway, std::string_view text) {
  auto words = split_words(text);
  std::uint64_t after = 0;
  if (words.size() != 2 ||
      std::from_chars(words[1].data(), words[1].data() + words[1].size(), after).ptr !=
          words[1].data() + words[1].size()) {
    reply("-ERR usage: replay <Core-UUID> <Event-Sequence>");
    return;
  }
  // The events are queued now and written after this reply (a command's reply goes first).
  core::ReplayOutcome outcome = gateway.replay(
      std::string(words[0]), after, [this](const core::FiredEventPtr& event) { on_event(event); });
  if (!outcome.known) {
    reply(fmt::format("-ERR no events of Core-UUID {}", words[0]));
    return;
  }
  reply(fmt::format("+OK replayed {} lost {}", outcome.replayed, outcome.lost));
}

}  // namespace es::eventsocket
