#include "gateway/upstream_link.hpp"

#include <fmt/format.h>
#include <asio/experimental/as_tuple.hpp>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>

#include "core/spawn.hpp"

namespace es::gateway {
namespace {

using core::LogLevel;

// A row of `show channels` starts with a 36-character uuid; the header row starts with "uuid,".
bool looks_like_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (dash ? c != '-' : !hex) return false;
  }
  return true;
}

// A connection that lasted this long resets the reconnection backoff.
constexpr std::chrono::seconds kStableLink{10};

// How soon a lost upstream is noticed (its api and bgapi fail at once meanwhile); also how
// soon a change of the clients' subscriptions that no `event` command waits for (a client gone,
// a nixevent) is looked at.
constexpr std::chrono::milliseconds kEndPollInterval{20};

// At most one nixevent per upstream per this interval: items that fall due meanwhile wait and
// go together, so clients churning their subscriptions never make the upstream chatty.
constexpr std::chrono::seconds kRemovalInterval{1};

}  // namespace

std::vector<std::string> channel_uuids_from_show(std::string_view output) {
  std::vector<std::string> uuids;
  while (!output.empty()) {
    const std::size_t end = output.find('\n');
    std::string_view line = output.substr(0, end);
    output = end == std::string_view::npos ? std::string_view() : output.substr(end + 1);
    std::string_view first = line.substr(0, line.find(','));
    if (looks_like_uuid(first)) uuids.emplace_back(first);
  }
  return uuids;
}

UpstreamLink::UpstreamLink(asio::any_io_executor executor, core::LogBus& log, UpstreamSpec spec,
                           const GatewayOptions& options, std::size_t index, LinkHooks hooks)
    : executor_(std::move(executor)),
      log_(log),
      spec_(std::move(spec)),
      options_(options),
      index_(index),
      hooks_(std::move(hooks)),
      backoff_timer_(executor_) {}

void UpstreamLink::start() {
  core::spawn_guarded(log_, executor_, "upstream link",
                      [self = shared_from_this()]() { return self->run(); });
}

void UpstreamLink::stop() {
  stopping_.store(true, std::memory_order_release);
  std::shared_ptr<client::Connection> current;
  std::shared_ptr<client::Connection> attempt;
  {
    std::lock_guard lock(mutex_);
    current = connection_;
    attempt = attempt_;
  }
  if (current) current->close();
  if (attempt) attempt->close();
  asio::post(executor_, [self = shared_from_this()] { self->backoff_timer_.cancel(); });
}

std::shared_ptr<client::Connection> UpstreamLink::connection() const {
  std::lock_guard lock(mutex_);
  return connection_;
}

void UpstreamLink::sync_subscription(std::function<void()> done) {
  bool start = false;
  {
    std::lock_guard lock(subscription_mutex_);
    if (done) sync_waiters_.push_back(std::move(done));
    sync_requested_ = true;
    start = !syncing_;
    syncing_ = true;
  }
  if (start) {
    core::spawn_guarded(log_, executor_, "upstream subscription",
                        [self = shared_from_this()]() { return self->sync_loop(); });
  }
}

asio::awaitable<void> UpstreamLink::sync_loop() {
  for (;;) {
    std::vector<std::function<void()>> waiters;
    {
      std::lock_guard lock(subscription_mutex_);
      if (!sync_requested_) {
        syncing_ = false;
        break;
      }
      sync_requested_ = false;
      waiters.swap(sync_waiters_);
    }
    std::shared_ptr<client::Connection> connection;
    std::uint64_t epoch = 0;
    {
      std::lock_guard lock(mutex_);
      connection = connection_;
      epoch = connection_epoch_;
    }
    if (connection) {
      try {
        co_await apply_step(connection, epoch, false);
      } catch (const std::exception& error) {
        // The connection is ending: the next one subscribes anew.
        ES_LOG(log_, LogLevel::kDebug, "upstream {}: subscription not changed: {}", spec_.name,
               error.what());
      }
    }
    for (auto& waiter : waiters) waiter();
  }
}

asio::awaitable<void> UpstreamLink::apply_step(std::shared_ptr<client::Connection> connection,
                                               std::uint64_t epoch, bool initial) {
  const EventSet wanted = hooks_.wanted();
  SubscriptionStep step;
  bool current = false;
  {
    std::lock_guard lock(subscription_mutex_);
    current = epoch == epoch_;
    if (current) {
      const auto now = std::chrono::steady_clock::now();
      EventSet removable = surplus_.removable(subscribed_, wanted, now, options_.unsubscribe_delay);
      if (now < next_removal_) removable = EventSet{};
      step = plan_step(subscribed_, wanted, removable);
      if (!step.remove.empty()) next_removal_ = now + kRemovalInterval;
    }
  }
  if (!current) co_return;
  if (!step.add.empty()) {
    client::Reply added = co_await connection->subscribe(protocol::EventFormat::kPlain, step.add);
    if (!added.ok()) {
      std::string why = fmt::format("event plain {} refused: {}", step.add, added.text);
      if (initial) throw client::ClientError(client::ClientError::Kind::kCommandRejected, why);
      ES_LOG(log_, LogLevel::kWarning, "upstream {}: {}", spec_.name, why);
      co_return;
    }
  }
  if (!step.remove.empty()) {
    client::Reply removed = co_await connection->unsubscribe(step.remove);
    if (!removed.ok()) {
      // Nothing recorded: the next step adds again (harmless) and retries the removal.
      ES_LOG(log_, LogLevel::kWarning, "upstream {}: nixevent {} refused: {}", spec_.name,
             step.remove, removed.text);
      co_return;
    }
  }
  std::lock_guard lock(subscription_mutex_);
  if (epoch != epoch_) co_return;
  subscribed_ = std::move(step.after);
  subscription_size_.store(subscribed_.size(), std::memory_order_relaxed);
  subscribed_all_.store(subscribed_.all, std::memory_order_relaxed);
}

asio::awaitable<void> UpstreamLink::run() {
  std::chrono::milliseconds backoff = options_.reconnect_initial;
  while (!stopping_.load(std::memory_order_acquire)) {
    client::ConnectionOptions connection_options;
    connection_options.connect_timeout = std::chrono::milliseconds(5000);
    connection_options.command_timeout = options_.command_timeout;
    auto connection = std::make_shared<client::Connection>(executor_, connection_options);
    {
      std::lock_guard lock(mutex_);
      attempt_ = connection;
    }
    std::string reason;
    bool was_up = false;
    const auto began = std::chrono::steady_clock::now();
    try {
      reason = co_await serve_once(connection);
      was_up = true;
    } catch (const client::ClientError& error) {
      reason = error.what();
      was_up = up();
    }
    {
      std::lock_guard lock(mutex_);
      attempt_.reset();
      connection_.reset();
    }
    connection->close();
    if (up_.exchange(false, std::memory_order_acq_rel) || was_up) {
      ES_LOG(log_, LogLevel::kWarning, "upstream {} ({}:{}) down: {}", spec_.name, spec_.host,
             spec_.port, reason);
      hooks_.on_state(index_, false, reason);
      // A link that stayed up a while retries soon; one that keeps failing right after login
      // (a hostile or broken upstream) backs off like an unreachable one.
      if (std::chrono::steady_clock::now() - began >= kStableLink) {
        backoff = options_.reconnect_initial;
      }
    } else {
      ES_LOG(log_, LogLevel::kDebug, "upstream {} ({}:{}) unreachable: {}", spec_.name, spec_.host,
             spec_.port, reason);
    }
    if (stopping_.load(std::memory_order_acquire)) break;
    backoff_timer_.expires_after(backoff);
    co_await backoff_timer_.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
    backoff = std::min(backoff * 2, options_.reconnect_max);
  }
}

asio::awaitable<std::string> UpstreamLink::serve_once(
    const std::shared_ptr<client::Connection>& connection) {
  client::Credentials credentials =
      spec_.user.empty() ? client::Credentials::password_only(spec_.password)
                         : client::Credentials::directory_user(spec_.user, spec_.password);
  // Events are handed over on the connection's strand as they are parsed: no hop, no queue in
  // between (the bus only enqueues, so this never waits on a client).
  connection->set_event_handler([this](client::Event event) {
    try {
      hooks_.on_event(index_, std::move(event));
    } catch (const std::exception& error) {
      ES_LOG(log_, LogLevel::kErr, "upstream {}: event dropped: {}", spec_.name, error.what());
    }
  });
  co_await connection->connect(spec_.host, spec_.port, credentials);
  // What the clients need, or ALL (docs/gateway.md, "Subscription"); later changes follow
  // through sync_subscription.
  std::uint64_t epoch = 0;
  {
    std::lock_guard lock(subscription_mutex_);
    epoch = ++epoch_;
    subscribed_ = EventSet{};
    surplus_.clear();
  }
  std::uint64_t seen_generation = hooks_.demand_generation();
  co_await apply_step(connection, epoch, true);
  if (!options_.upstream_log_level.empty()) {
    connection->set_log_handler([this](client::LogLine line) {
      try {
        hooks_.on_log(index_, std::move(line));
      } catch (const std::exception& error) {
        ES_LOG(log_, LogLevel::kErr, "upstream {}: log line dropped: {}", spec_.name, error.what());
      }
    });
    client::Reply logging = co_await connection->log(options_.upstream_log_level);
    if (!logging.ok()) {
      ES_LOG(log_, LogLevel::kWarning, "upstream {}: log {} refused: {}", spec_.name,
             options_.upstream_log_level, logging.text);
    }
  }
  std::string channels = co_await connection->api("show channels");
  hooks_.on_channels(index_, channel_uuids_from_show(channels));
  {
    std::lock_guard lock(mutex_);
    connection_ = connection;
    connection_epoch_ = epoch;
  }
  up_.store(true, std::memory_order_release);
  // A change while the connection was being set up.
  sync_subscription({});
  // The gateway counts the connection before the line is logged: whoever reads the line (an
  // operator, a test) then finds it in the metrics too.
  hooks_.on_state(index_, true, "connected");
  ES_LOG(log_, LogLevel::kNotice, "upstream {} ({}:{}) up", spec_.name, spec_.host, spec_.port);
  // The client library says nothing when a connection ends; its state is polled.
  asio::steady_timer poll(executor_);
  auto next_surplus_check = std::chrono::steady_clock::now();
  while (connection->is_open() && !stopping_.load(std::memory_order_acquire)) {
    poll.expires_after(kEndPollInterval);
    co_await poll.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
    // Subscriptions that shrank (no command waits for those) and items whose delay ran out.
    const std::uint64_t generation = hooks_.demand_generation();
    bool surplus_due = false;
    const auto now = std::chrono::steady_clock::now();
    if (now >= next_surplus_check) {
      next_surplus_check = now + kRemovalInterval;
      std::lock_guard lock(subscription_mutex_);
      surplus_due = surplus_.pending();
    }
    if (generation != seen_generation || surplus_due) {
      seen_generation = generation;
      sync_subscription({});
    }
  }
  std::string reason = connection->close_reason();
  co_return reason.empty() ? std::string("connection ended") : reason;
}

}  // namespace es::gateway
