// Gateway mode (docs/gateway.md): eventswitch in front of one or more FreeSWITCH servers. Each
// upstream's events are re-fired, unchanged, into the local EventBus, so the event socket's
// listeners serve them with their own formats, filters and bounded queues; api, bgapi, sendmsg
// and sendevent from clients are forwarded to the upstream that owns the channel they name.
#pragma once

#include <asio/any_io_executor.hpp>
#include <atomic>

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/runtime.hpp"
#include "core/upstream_gateway.hpp"
#include "gateway/gateway_options.hpp"
#include "gateway/replay_ring.hpp"
#include "gateway/upstream_link.hpp"

namespace es::gateway {

// The CUSTOM subclass of the event clients get when an upstream goes up or down.
inline constexpr std::string_view kUpstreamEventSubclass = "eventswitch::upstream";

struct UpstreamStatus {
  std::string name;
  std::string address;  // host:port
  bool up = false;
  std::size_t channels = 0;            // owned channels known to the gateway
  std::uint64_t events = 0;            // events received from it since the gateway started
  std::uint64_t connects = 0;          // times its link came up
  std::int64_t last_event_lag_us = 0;  // arrival time minus the last event's Event-Date-Timestamp
  std::size_t subscription_size = 0;   // event types + subclasses it is subscribed to
  bool subscribed_all = false;         // it is subscribed to ALL
};

class Gateway final : public core::UpstreamGateway {
 public:
  Gateway(core::Runtime& runtime, asio::any_io_executor executor, GatewayOptions options);
  // Stops the links and uninstalls itself from the runtime.
  ~Gateway() override;
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  // Installs itself as the runtime's UpstreamGateway and starts connecting.
  void start();
  void stop();

  std::vector<UpstreamStatus> status() const;
  const ReplayRing& ring() const { return ring_; }

  void api(std::string target, std::string command,
           std::function<void(std::string body)> done) override;
  void bgapi(std::string target, std::string command, std::string job_uuid,
             std::function<void(core::FiredEventPtr job)> done) override;
  void sendmsg(std::string uuid, std::vector<std::pair<std::string, std::string>> headers,
               std::string body, std::function<void(std::string reply_text)> done) override;
  void sendevent(std::string name, std::vector<std::pair<std::string, std::string>> headers,
                 std::string body, std::function<void(std::string reply_text)> done) override;
  void sync_subscription(std::function<void()> done) override;
  bool owns_channel(const std::string& uuid) const override { return owner_of(uuid).has_value(); }
  core::ReplayOutcome replay(const std::string& core_uuid, std::uint64_t after,
                             const std::function<void(const core::FiredEventPtr&)>& sink) override;

 private:
  struct PendingJob {
    std::size_t link = 0;
    std::string client_job_uuid;  // what the client asked with (or was given)
    std::string command;
    std::function<void(core::FiredEventPtr)> done;
  };

  // The forwarding coroutines: parameters by value, so the frame owns what it uses.
  asio::awaitable<void> forward_bgapi(std::shared_ptr<client::Connection> connection,
                                      std::size_t link, std::string command, std::string job_uuid);
  // sendmsg <argument> or sendevent <argument> (`verb` is a literal).
  asio::awaitable<void> forward_command(std::shared_ptr<client::Connection> connection,
                                        std::size_t link, std::string_view verb,
                                        std::string argument, std::vector<client::Header> headers,
                                        std::string body, std::function<void(std::string)> done);
  // Runs forward_command on `link`'s connection, or answers `done` at once when it is down.
  void start_forward(std::size_t link, std::string_view verb, const char* task,
                     std::string argument, std::vector<std::pair<std::string, std::string>> headers,
                     std::string body, std::function<void(std::string)> done);
  void on_event(std::size_t link, client::Event&& received);
  void on_state(std::size_t link, bool up, const std::string& reason);
  void on_log(client::LogLine&& received);
  void on_channels(std::size_t link, std::vector<std::string> uuids);
  // The link a command goes to: `target` by name, else the owner of a uuid among the first
  // words of `command`, else the default (first) upstream. nullopt: no upstream of that name.
  std::optional<std::size_t> route(std::string_view target, std::string_view command) const;
  std::optional<std::size_t> owner_of(std::string_view uuid) const;
  // A BACKGROUND_JOB made here for a job that never reached (or was lost with) its upstream.
  core::FiredEventPtr failed_job(const std::string& job_uuid, std::string_view command,
                                 std::string body);
  std::optional<PendingJob> take_job(const std::string& job_uuid);
  std::string unavailable(std::size_t link) const;

  // Per upstream, read by status() (and so by the metrics scrape) from any thread.
  struct LinkCounters {
    std::atomic<std::uint64_t> events{0};
    std::atomic<std::uint64_t> connects{0};
    std::atomic<std::int64_t> last_event_lag_us{0};
  };

  core::Runtime& runtime_;
  asio::any_io_executor executor_;
  const GatewayOptions options_;
  std::vector<std::shared_ptr<UpstreamLink>> links_;
  std::vector<std::unique_ptr<LinkCounters>> counters_;  // one per link, same index
  ReplayRing ring_;
  mutable std::mutex owners_mutex_;
  std::unordered_map<std::string, std::size_t> owners_;  // channel uuid -> link
  bool owners_full_warned_ = false;                      // guarded by owners_mutex_
  std::mutex jobs_mutex_;
  // The gateway's own Job-UUID of each job (what the upstream sees) -> the asking client. Every
  // job gets a fresh one, so clients choosing the same Job-UUID never meet upstream.
  std::unordered_map<std::string, PendingJob> jobs_;
  bool started_ = false;
};

}  // namespace es::gateway
