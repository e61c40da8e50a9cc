// One call handed over by the switch's `socket` application, driven by webhooks: a request,
// its verbs run in order, the next request when a verb has an action hook (or redirects), and
// a status callback at the end. One coroutine per call; the call's events (hangup) arrive on
// the connection's strand and are seen through atomics.
#pragma once

#include <asio/awaitable.hpp>

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "apps/httpivr/ivr_settings.hpp"
#include "apps/httpivr/json_value.hpp"
#include "apps/httpivr/media_cache.hpp"
#include "apps/httpivr/webhook_client.hpp"
#include "client/outbound_server.hpp"

namespace es::apps::httpivr {

// Process-wide counters, for the log's end-of-call line (a leaked call shows as active).
struct IvrCounters {
  std::atomic<long> active{0};
  std::atomic<long> finished{0};
};

// A verb's result fields, sent with the next request (JSON names of the contract).
struct VerbResult {
  std::vector<std::pair<std::string, std::string>> text;
  std::vector<std::pair<std::string, long long>> numbers;
  void clear() {
    text.clear();
    numbers.clear();
  }
};

class CallFlow {
 public:
  CallFlow(std::unique_ptr<client::OutboundSession> session, const IvrSettings& settings,
           WebhookClient& webhooks, MediaCache& media, IvrCounters& counters);
  // Runs the call to its end; never throws.
  asio::awaitable<void> run();

 private:
  // What a verb (or a response's verbs) ended with: go on with the next verb, make the next
  // request (action hook, redirect), stop (hangup, transfer, the caller hung up), or a fault.
  enum class Next { kContinue, kRequest, kEnd, kFault };

  asio::awaitable<void> drive();
  asio::awaitable<std::string> request_body(const char* status);
  // POSTs to `url`; on failure, the fallback once. nullopt: no usable verbs (fault).
  asio::awaitable<std::optional<JsonValue::Array>> fetch_verbs(const std::string& url);
  asio::awaitable<Next> run_verbs(const JsonValue::Array& verbs);
  asio::awaitable<Next> run_verb(const JsonValue& verb);
  asio::awaitable<void> fault(const std::string& why);
  asio::awaitable<void> finish();

  // Verbs (call_verbs.cpp).
  asio::awaitable<void> verb_play(const JsonValue& verb);
  asio::awaitable<void> verb_say(const JsonValue& verb);
  asio::awaitable<void> verb_gather(const JsonValue& verb);
  asio::awaitable<void> verb_record(const JsonValue& verb);
  asio::awaitable<void> verb_dial(const JsonValue& verb);
  asio::awaitable<bool> verb_set(const JsonValue& verb);
  asio::awaitable<client::Event> execute(std::string app, std::string arg = {});
  // A prompt the switch can open: http(s) URLs through the media cache.
  asio::awaitable<std::string> playable(const std::string& url);

  // What the call's events tell (set on the connection's strand, read by the flow). Shared with
  // the event handler, which the connection may still run after the flow is gone.
  struct HangupWatch {
    std::atomic<bool> hung_up{false};
    std::mutex mutex;
    std::string cause;
    void on_event(const client::Event& event);
  };
  bool hung_up() const { return watch_->hung_up.load(std::memory_order_acquire); }
  std::string hangup_cause() const;

  std::unique_ptr<client::OutboundSession> session_;
  const IvrSettings& settings_;
  WebhookClient& webhooks_;
  MediaCache& media_;
  IvrCounters& counters_;
  std::string call_id_;
  std::string next_url_;
  VerbResult result_;
  std::vector<std::pair<std::string, std::string>> echo_;  // echoed back in every request
  int verbs_run_ = 0;                // names gather variables and recordings uniquely
  int redirects_ = 0;                // consecutive redirects without a verb that did something
  bool verb_fallback_used_ = false;  // the fallback was asked after bad verbs
  std::shared_ptr<HangupWatch> watch_ = std::make_shared<HangupWatch>();
};

}  // namespace es::apps::httpivr
