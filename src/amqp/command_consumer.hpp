// A commands profile: one thread consumes a queue bound to the profile's exchange; each
// message body is an API command line run as the console runs it, and a message carrying
// x-fs-api-resp-exchange and x-fs-api-resp-key gets the JSON reply published there.
// The broker is not trusted: message sizes are bounded, and an allowed-commands list (when
// configured) refuses every other command.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "amqp/amqp_config.hpp"
#include "amqp/broker_link.hpp"
#include "amqp/profile_stats.hpp"
#include "core/access_policy.hpp"
#include "core/runtime.hpp"

namespace es::amqp {

// Commands longer than this are refused (mod_amqp cuts them at its 10 KiB buffer, which
// could run a different command than the one sent).
inline constexpr std::size_t kMaxCommandBytes = 10240;

// The reply as mod_amqp's cJSON_Print writes it: {"output", "command", "status"} with tabs
// and newlines; status 0 for success, 1 for failure.
std::string command_reply_json(std::string_view output, std::string_view command, int status);

class CommandConsumer {
 public:
  CommandConsumer(CommandProfile profile, core::Runtime& runtime);
  ~CommandConsumer();
  CommandConsumer(const CommandConsumer&) = delete;
  CommandConsumer& operator=(const CommandConsumer&) = delete;

  void start();
  void stop();

  const CommandProfile& profile() const { return profile_; }
  const ProfileStats& stats() const { return stats_; }

 private:
  struct Delivery {
    std::string body;
    bool too_large = false;
    bool plain_text = true;
    std::string reply_exchange;
    std::string reply_key;
  };

  void run();
  bool connect_and_consume();
  // Reads one message after its basic.deliver; false when the connection failed.
  bool read_delivery(Delivery& delivery);
  void handle(const Delivery& delivery);
  void reply(const Delivery& delivery, std::string_view output, int status);
  void pause();

  const CommandProfile profile_;
  core::Runtime& runtime_;
  core::AccessRules rules_;
  ProfileStats stats_;
  std::atomic<bool> stopping_{false};
  std::mutex pause_mutex_;
  std::condition_variable pause_wake_;
  BrokerLink link_;
  std::thread thread_;
};

}  // namespace es::amqp
