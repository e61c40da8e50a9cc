// A logging profile: a log sink that queues the lines of the profile's levels (bounded,
// counted when full) and one thread that publishes them as mod_amqp's JSON log messages.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "amqp/amqp_config.hpp"
#include "amqp/bounded_queue.hpp"
#include "amqp/broker_link.hpp"
#include "amqp/profile_stats.hpp"
#include "core/log_bus.hpp"
#include "core/runtime.hpp"

namespace es::amqp {

// mod_amqp's routing key of a log line: "<hostname>.<uuid>.<LEVEL>.<file with '.' -> '_'>",
// the uuid being "(null)" for a line without a session (what its printf writes).
std::string log_routing_key(std::string_view hostname, const core::LogLine& line);
// The body, laid out as cJSON_Print lays it out (tabs and newlines): file, function, line,
// level, timestamp (local time with microseconds), timestamp_epoch (seconds) and content.
std::string log_json_body(const core::LogLine& line);

class LogPublisher final : public core::LogSink {
 public:
  LogPublisher(LoggingProfile profile, core::Runtime& runtime);
  ~LogPublisher() override;
  LogPublisher(const LogPublisher&) = delete;
  LogPublisher& operator=(const LogPublisher&) = delete;

  void start();
  void stop();
  void on_log(const core::LogLinePtr& line) override;

  const LoggingProfile& profile() const { return profile_; }
  const ProfileStats& stats() const { return stats_; }
  std::size_t queued() const { return queue_.size(); }

 private:
  void run();
  bool ensure_connected();

  const LoggingProfile profile_;
  core::Runtime& runtime_;
  BoundedQueue<core::LogLinePtr> queue_;
  ProfileStats stats_;
  std::atomic<bool> stopping_{false};
  BrokerLink link_;
  std::thread thread_;
};

}  // namespace es::amqp
