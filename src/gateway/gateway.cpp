#include "gateway/gateway.hpp"

#include <fmt/format.h>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <charconv>

#include "core/spawn.hpp"
#include "core/uuid.hpp"
#include "gateway/event_import.hpp"
#include "protocol/ascii.hpp"
#include "protocol/header_fields.hpp"

namespace es::gateway {
namespace {

using core::EventType;

// Channels remembered for owner routing; beyond it new channels are routed to the default
// upstream (one WARNING).
constexpr std::size_t kMaxOwnedChannels = 200000;
// bgapi jobs awaiting their upstream's BACKGROUND_JOB, over all clients (each client is also
// held to max-bgapi-jobs); beyond it a job completes at once with an error.
constexpr std::size_t kMaxPendingJobs = 100000;
// Words of an api command searched for a channel uuid (uuid_bridge names two).
constexpr std::size_t kRoutingWords = 4;

std::vector<client::Header> to_headers(std::vector<std::pair<std::string, std::string>> pairs) {
  std::vector<client::Header> headers;
  headers.reserve(pairs.size());
  for (auto& pair : pairs) headers.push_back({std::move(pair.first), std::move(pair.second)});
  return headers;
}

}  // namespace

Gateway::Gateway(core::Runtime& runtime, asio::any_io_executor executor, GatewayOptions options)
    : runtime_(runtime),
      executor_(std::move(executor)),
      options_(std::move(options)),
      ring_(options_.replay_events, options_.replay_bytes) {
  LinkHooks hooks{
      .on_event = [this](std::size_t link,
                         client::Event&& event) { on_event(link, std::move(event)); },
      .on_state = [this](std::size_t link, bool up,
                         const std::string& reason) { on_state(link, up, reason); },
      .on_log = [this](std::size_t, client::LogLine&& line) { on_log(std::move(line)); },
      .on_channels = [this](
                         std::size_t link,
                         std::vector<std::string> uuids) { on_channels(link, std::move(uuids)); },
      .wanted = [this] { return wanted_upstream(runtime_.bus().demand(), options_.subscription); },
      .demand_generation = [this] { return runtime_.bus().demand_generation(); },
  };
  for (std::size_t i = 0; i < options_.upstreams.size(); ++i) {
    links_.push_back(std::make_shared<UpstreamLink>(executor_, runtime_.log(),
                                                    options_.upstreams[i], options_, i, hooks));
    counters_.push_back(std::make_unique<LinkCounters>());
  }
}

Gateway::~Gateway() {
  stop();
  runtime_.remove_upstream_gateway(this);
}

void Gateway::start() {
  if (started_) return;
  started_ = true;
  runtime_.set_upstream_gateway(this);
  for (auto& link : links_) link->start();
}

void Gateway::stop() {
  for (auto& link : links_) link->stop();
}

std::vector<UpstreamStatus> Gateway::status() const {
  std::vector<UpstreamStatus> result;
  std::vector<std::size_t> counts(links_.size(), 0);
  {
    std::lock_guard lock(owners_mutex_);
    for (const auto& [uuid, link] : owners_) ++counts[link];
  }
  for (std::size_t i = 0; i < links_.size(); ++i) {
    const UpstreamSpec& spec = links_[i]->spec();
    const LinkCounters& counters = *counters_[i];
    result.push_back({spec.name, fmt::format("{}:{}", spec.host, spec.port), links_[i]->up(),
                      counts[i], counters.events.load(std::memory_order_relaxed),
                      counters.connects.load(std::memory_order_relaxed),
                      counters.last_event_lag_us.load(std::memory_order_relaxed),
                      links_[i]->subscription_size(), links_[i]->subscribed_all()});
  }
  return result;
}

void Gateway::sync_subscription(std::function<void()> done) {
  // Done when the last link answered; each link runs its part on the executor, never inline.
  auto remaining = std::make_shared<std::atomic<std::size_t>>(links_.size());
  auto shared_done = std::make_shared<std::function<void()>>(std::move(done));
  if (links_.empty()) {
    asio::post(executor_, [shared_done] { (*shared_done)(); });
    return;
  }
  for (auto& link : links_) {
    link->sync_subscription([remaining, shared_done] {
      if (remaining->fetch_sub(1, std::memory_order_acq_rel) == 1) (*shared_done)();
    });
  }
}

std::string Gateway::unavailable(std::size_t link) const {
  return fmt::format("-ERR upstream {} unavailable\n", links_[link]->spec().name);
}

std::optional<std::size_t> Gateway::owner_of(std::string_view uuid) const {
  std::lock_guard lock(owners_mutex_);
  auto found = owners_.find(std::string(uuid));
  if (found == owners_.end()) return std::nullopt;
  return found->second;
}

std::optional<std::size_t> Gateway::route(std::string_view target, std::string_view command) const {
  if (!target.empty()) {
    for (std::size_t i = 0; i < links_.size(); ++i) {
      if (links_[i]->spec().name == target) return i;
    }
    return std::nullopt;
  }
  if (links_.size() > 1) {
    std::string_view rest = command;
    for (std::size_t word = 0; word <= kRoutingWords && !rest.empty(); ++word) {
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
      const std::size_t end = rest.find(' ');
      std::string_view token = rest.substr(0, end);
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
      if (word == 0 || token.size() != 36) continue;  // the command's name never is a uuid
      if (auto owner = owner_of(token)) return owner;
    }
  }
  return 0;
}

void Gateway::api(std::string target, std::string command,
                  std::function<void(std::string body)> done) {
  auto link = route(target, command);
  if (!link) {
    asio::post(executor_, [done = std::move(done), target = std::move(target)] {
      done(fmt::format("-ERR no upstream named {}\n", target));
    });
    return;
  }
  auto connection = links_[*link]->connection();
  if (!connection) {
    asio::post(executor_, [done = std::move(done), body = unavailable(*link)] { done(body); });
    return;
  }
  // The reply is relayed from the link's strand as soon as it is parsed: no coroutine of ours
  // in between (each would cost a hop on the way out and one on the way back).
  // The text goes first: the callback below takes `command` by move, and the two arguments
  // are evaluated in no set order.
  const std::string text = command;
  connection->api_async(text, [this, link = *link, command = std::move(command),
                               done = std::move(done)](std::string body, std::string error) {
    if (!error.empty()) {
      ES_LOG(runtime_.log(), core::LogLevel::kWarning, "upstream {}: api {} failed: {}",
             links_[link]->spec().name, command, error);
      body = unavailable(link);
    }
    done(std::move(body));
  });
}

core::FiredEventPtr Gateway::failed_job(const std::string& job_uuid, std::string_view command,
                                        std::string body) {
  core::Event event = runtime_.events().create(EventType::kBackgroundJob);
  event.add_header("Job-UUID", job_uuid);
  const std::size_t space = command.find(' ');
  event.add_header("Job-Command", command.substr(0, space));
  if (space != std::string_view::npos)
    event.add_header("Job-Command-Arg", command.substr(space + 1));
  event.set_body(std::move(body));
  return std::make_shared<const core::FiredEvent>(std::move(event));
}

std::optional<Gateway::PendingJob> Gateway::take_job(const std::string& job_uuid) {
  std::lock_guard lock(jobs_mutex_);
  auto found = jobs_.find(job_uuid);
  if (found == jobs_.end()) return std::nullopt;
  PendingJob job = std::move(found->second);
  jobs_.erase(found);
  return job;
}

void Gateway::bgapi(std::string target, std::string command, std::string job_uuid,
                    std::function<void(core::FiredEventPtr job)> done) {
  auto fail_now = [&](std::string body) {
    asio::post(executor_, [done = std::move(done),
                           job = failed_job(job_uuid, command, std::move(body))] { done(job); });
  };
  auto link = route(target, command);
  if (!link) {
    fail_now(fmt::format("-ERR no upstream named {}\n", target));
    return;
  }
  auto connection = links_[*link]->connection();
  if (!connection) {
    fail_now(unavailable(*link));
    return;
  }
  std::string upstream_job_uuid = core::make_uuid();
  {
    std::lock_guard lock(jobs_mutex_);
    if (jobs_.size() >= kMaxPendingJobs) {
      fail_now("-ERR too many background jobs in flight\n");
      return;
    }
    jobs_.emplace(upstream_job_uuid,
                  PendingJob{*link, std::move(job_uuid), command, std::move(done)});
  }
  core::spawn_guarded(runtime_.log(), executor_, "gateway bgapi",
                      forward_bgapi(std::move(connection), *link, std::move(command),
                                    std::move(upstream_job_uuid)));
}

asio::awaitable<void> Gateway::forward_bgapi(std::shared_ptr<client::Connection> connection,
                                             std::size_t link, std::string command,
                                             std::string job_uuid) {
  std::string body;
  try {
    // The job's BACKGROUND_JOB reaches on_event first, which completes the client's job.
    co_await connection->bgapi(command, job_uuid);
    co_return;
  } catch (const client::ClientError& error) {
    body = error.kind() == client::ClientError::Kind::kCommandRejected
               ? fmt::format("-ERR upstream {} refused the job: {}\n", links_[link]->spec().name,
                             error.what())
               : unavailable(link);
  }
  if (auto job = take_job(job_uuid)) {
    job->done(failed_job(job->client_job_uuid, job->command, std::move(body)));
  }
}

void Gateway::sendmsg(std::string uuid, std::vector<std::pair<std::string, std::string>> headers,
                      std::string body, std::function<void(std::string reply_text)> done) {
  std::size_t link = owner_of(uuid).value_or(0);
  start_forward(link, "sendmsg", "gateway sendmsg", std::move(uuid), std::move(headers),
                std::move(body), std::move(done));
}

void Gateway::start_forward(std::size_t link, std::string_view verb, const char* task,
                            std::string argument,
                            std::vector<std::pair<std::string, std::string>> headers,
                            std::string body, std::function<void(std::string)> done) {
  auto connection = links_[link]->connection();
  if (!connection) {
    std::string reply = unavailable(link);
    reply.pop_back();
    asio::post(executor_, [done = std::move(done), reply = std::move(reply)] { done(reply); });
    return;
  }
  core::spawn_guarded(
      runtime_.log(), executor_, task,
      forward_command(std::move(connection), link, verb, std::move(argument),
                      to_headers(std::move(headers)), std::move(body), std::move(done)));
}

asio::awaitable<void> Gateway::forward_command(std::shared_ptr<client::Connection> connection,
                                               std::size_t link, std::string_view verb,
                                               std::string argument,
                                               std::vector<client::Header> headers,
                                               std::string body,
                                               std::function<void(std::string)> done) {
  std::string reply;
  try {
    // if/else, not ?:, around co_await: GCC 12 miscompiles co_await inside a conditional.
    client::Reply answer;
    if (verb == "sendmsg") {
      answer =
          co_await connection->sendmsg(std::move(argument), std::move(headers), std::move(body));
    } else {
      answer =
          co_await connection->sendevent(std::move(argument), std::move(headers), std::move(body));
    }
    reply = std::move(answer.text);
  } catch (const client::ClientError&) {
    reply = unavailable(link);
    reply.pop_back();
  }
  done(std::move(reply));
}

void Gateway::sendevent(std::string name, std::vector<std::pair<std::string, std::string>> headers,
                        std::string body, std::function<void(std::string reply_text)> done) {
  std::size_t link = 0;
  for (const auto& [header, value] : headers) {
    if (protocol::iequals(header, "Unique-ID")) {
      link = owner_of(value).value_or(0);
      break;
    }
  }
  start_forward(link, "sendevent", "gateway sendevent", std::move(name), std::move(headers),
                std::move(body), std::move(done));
}

core::ReplayOutcome Gateway::replay(const std::string& core_uuid, std::uint64_t after,
                                    const std::function<void(const core::FiredEventPtr&)>& sink) {
  return ring_.replay(core_uuid, after, sink);
}

void Gateway::on_event(std::size_t link, client::Event&& received) {
  LinkCounters& counters = *counters_[link];
  counters.events.fetch_add(1, std::memory_order_relaxed);
  // Lag: how long after the upstream stamped the event it reached us (the upstream's clock, so
  // across machines it includes their clock difference).
  if (const std::string* stamp = received.header("Event-Date-Timestamp")) {
    std::int64_t stamped_us = 0;
    auto [end, error] = std::from_chars(stamp->data(), stamp->data() + stamp->size(), stamped_us);
    if (error == std::errc() && end == stamp->data() + stamp->size()) {
      counters.last_event_lag_us.store(runtime_.clock().now_epoch_us() - stamped_us,
                                       std::memory_order_relaxed);
    }
  }
  std::string_view name = received.name();
  if (name == "BACKGROUND_JOB") {
    // A job a client started through the gateway reaches that client only.
    if (const std::string* job_uuid = received.header("Job-UUID")) {
      if (auto job = take_job(*job_uuid)) {
        // The client sees its own Job-UUID, where the upstream put the gateway's.
        for (client::Header& header : received.headers) {
          if (header.name == "Job-UUID") header.value = job->client_job_uuid;
        }
        auto event = import_upstream_event(std::move(received));
        job->done(
            event ? std::make_shared<const core::FiredEvent>(std::move(*event))
                  : failed_job(job->client_job_uuid, job->command, "-ERR unreadable job result\n"));
        return;
      }
    }
  } else if (name.starts_with("CHANNEL_")) {
    if (const std::string* uuid = received.header("Unique-ID")) {
      std::lock_guard lock(owners_mutex_);
      if (name == "CHANNEL_DESTROY") {
        owners_.erase(*uuid);
      } else if (owners_.size() < kMaxOwnedChannels) {
        owners_.try_emplace(*uuid, link);
      } else if (!owners_full_warned_ && !owners_.contains(*uuid)) {
        owners_full_warned_ = true;
        ES_LOG(runtime_.log(), core::LogLevel::kWarning,
               "gateway: {} channels known, new ones are routed to the default upstream",
               kMaxOwnedChannels);
      }
    }
  }
  // In union mode an event of a type only the gateway needs (BACKGROUND_JOB, CHANNEL_CREATE,
  // CHANNEL_DESTROY) that no local subscriber takes goes no further; every other one came for
  // a client (now, or within the unsubscribe delay) and goes to the bus and the ring.
  if (options_.subscription == SubscriptionMode::kUnion) {
    auto own = gateway_need_named(name);
    if (own && !runtime_.bus().wants(*own)) return;
  }
  auto event = import_upstream_event(std::move(received));
  if (!event) return;
  ring_.add(runtime_.bus().fire(std::move(*event)));
}

void Gateway::on_log(client::LogLine&& received) {
  core::LogLine line;
  line.level = received.level();
  if (line.level < 0) return;  // not a log line
  auto field = [&](std::string_view name) -> std::string {
    const std::string* value = protocol::find_header(received.headers, name);
    return value ? *value : std::string();
  };
  line.file = field("Log-File");
  line.function = field("Log-Func");
  line.line = static_cast<int>(
      std::clamp<long long>(protocol::parse_c_integer(field("Log-Line")), 0, 1 << 30));
  line.user_data = field("User-Data");
  line.formatted = std::move(received.text);
  runtime_.log().publish_upstream(std::move(line));
}

void Gateway::on_state(std::size_t link, bool up, const std::string& reason) {
  if (up) counters_[link]->connects.fetch_add(1, std::memory_order_relaxed);
  const UpstreamSpec& spec = links_[link]->spec();
  core::Event event = runtime_.events().create(EventType::kCustom, kUpstreamEventSubclass);
  event.add_header("Upstream-Name", spec.name);
  event.add_header("Upstream-State", up ? "up" : "down");
  event.add_header("Upstream-Address", fmt::format("{}:{}", spec.host, spec.port));
  event.add_header("Upstream-Reason", reason.empty() ? std::string("unknown") : reason);
  runtime_.bus().fire(std::move(event));
}

void Gateway::on_channels(std::size_t link, std::vector<std::string> uuids) {
  std::lock_guard lock(owners_mutex_);
  std::erase_if(owners_, [link](const auto& entry) { return entry.second == link; });
  for (auto& uuid : uuids) {
    if (owners_.size() >= kMaxOwnedChannels) break;
    owners_.insert_or_assign(std::move(uuid), link);
  }
}

}  // namespace es::gateway
