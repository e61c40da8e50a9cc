// One upstream server: a client connection kept up with backoff, subscribed in plain format to
// what the gateway wants (UpstreamSubscription: the clients' union, or ALL), its events handed
// to the gateway as they arrive (the connection always drains: handing over only enqueues).
// Commands borrow the current connection; while the link is down they fail at once
// (docs/gateway.md, "Faults").
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/steady_timer.hpp>

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "client/connection.hpp"
#include "core/log_bus.hpp"
#include "gateway/gateway_options.hpp"
#include "gateway/upstream_subscription.hpp"

namespace es::gateway {

// What a link tells its gateway; each runs on the link's coroutine, never concurrently for one
// link.
struct LinkHooks {
  // An event as received. Must not block.
  std::function<void(std::size_t link, client::Event&& event)> on_event;
  // The link came up (`up`, after subscribing and listing channels) or went down.
  std::function<void(std::size_t link, bool up, const std::string& reason)> on_state;
  // A log/data line of the upstream. Must not block.
  std::function<void(std::size_t link, client::LogLine&& line)> on_log;
  // The channel uuids of `show channels`, read at each connect.
  std::function<void(std::size_t link, std::vector<std::string> uuids)> on_channels;
  // What the upstream should be subscribed to now, and a number that changes whenever that may
  // have changed (polled). Called from any thread.
  std::function<EventSet()> wanted;
  std::function<std::uint64_t()> demand_generation;
};

class UpstreamLink : public std::enable_shared_from_this<UpstreamLink> {
 public:
  UpstreamLink(asio::any_io_executor executor, core::LogBus& log, UpstreamSpec spec,
               const GatewayOptions& options, std::size_t index, LinkHooks hooks);

  void start();
  // Closes the connection and stops reconnecting.
  void stop();

  const UpstreamSpec& spec() const { return spec_; }
  bool up() const { return up_.load(std::memory_order_acquire); }
  // The live connection, or null while down.
  std::shared_ptr<client::Connection> connection() const;
  // Brings the upstream's subscription up to what is wanted now. `done` (may be empty) runs once
  // the upstream answered, or at once while the link is down (it subscribes anew when it comes
  // back); on the link's executor, never inline.
  void sync_subscription(std::function<void()> done);
  // The upstream's current subscription (for the metrics).
  std::size_t subscription_size() const {
    return subscription_size_.load(std::memory_order_relaxed);
  }
  bool subscribed_all() const { return subscribed_all_.load(std::memory_order_relaxed); }

 private:
  asio::awaitable<void> run();
  // One connection's life: connect, subscribe, list channels, drain events until it ends.
  // Returns why it ended.
  asio::awaitable<std::string> serve_once(const std::shared_ptr<client::Connection>& connection);
  // Runs sync_subscription's requests one after the other.
  asio::awaitable<void> sync_loop();
  // One step toward what is wanted on `connection`, the one of `epoch` (a replaced connection's
  // step changes nothing). `initial`: its first subscription; a refusal then throws.
  asio::awaitable<void> apply_step(std::shared_ptr<client::Connection> connection,
                                   std::uint64_t epoch, bool initial);

  asio::any_io_executor executor_;
  core::LogBus& log_;
  const UpstreamSpec spec_;
  const GatewayOptions options_;  // a copy: the link outlives nothing it refers to but the log
  const std::size_t index_;
  const LinkHooks hooks_;
  asio::steady_timer backoff_timer_;
  std::atomic<bool> up_{false};
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::shared_ptr<client::Connection> connection_;  // guarded by mutex_; null while down
  std::shared_ptr<client::Connection> attempt_;     // guarded by mutex_; the one connecting
  std::uint64_t connection_epoch_ = 0;              // guarded by mutex_; epoch of connection_

  // The upstream subscription, guarded by subscription_mutex_.
  std::mutex subscription_mutex_;
  std::uint64_t epoch_ = 0;  // bumped by each connection: subscribed_ is that connection's
  EventSet subscribed_;
  SurplusClock surplus_;
  std::chrono::steady_clock::time_point next_removal_{};
  std::vector<std::function<void()>> sync_waiters_;
  bool sync_requested_ = false;
  bool syncing_ = false;
  std::atomic<std::size_t> subscription_size_{0};
  std::atomic<bool> subscribed_all_{false};
};

// The channel uuids in `show channels` output (the first column of each row).
std::vector<std::string> channel_uuids_from_show(std::string_view output);

}  // namespace es::gateway
