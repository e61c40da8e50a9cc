// One upstream server: a client connection kept up with backoff, subscribed to every event in
// plain format, its events handed to the gateway as they arrive (the connection always drains:
// handing over only enqueues). Commands borrow the current connection; while the link is down
// they fail at once (docs/gateway.md, "Faults").
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

 private:
  asio::awaitable<void> run();
  // One connection's life: connect, subscribe, list channels, drain events until it ends.
  // Returns why it ended.
  asio::awaitable<std::string> serve_once(const std::shared_ptr<client::Connection>& connection);

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
};

// The channel uuids in `show channels` output (the first column of each row).
std::vector<std::string> channel_uuids_from_show(std::string_view output);

}  // namespace es::gateway
