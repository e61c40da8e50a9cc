// Posts signed JSON to webhooks. cpp-httplib is blocking, so each attempt runs on a bounded
// thread pool (its size is the bound on requests in flight) and the awaiting call coroutine is
// resumed on its own executor with the result. Retries (5xx, connection errors, timeouts) wait
// on the caller's executor between attempts, so a backing-off call holds no pool thread.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/thread_pool.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

namespace es::apps::httpivr {

struct WebhookSettings {
  std::string secret;                               // empty: no X-Signature header
  std::chrono::milliseconds timeout{5000};          // whole attempt: connect, send, answer
  std::chrono::milliseconds connect_timeout{2000};  // TCP (and TLS) connection
  int retries = 2;                                  // attempts after the first
  std::chrono::milliseconds backoff{200};           // before the first retry, doubled each time
  std::size_t max_in_flight = 32;                   // pool threads: requests on the wire at once
  std::size_t max_waiting = 4096;                   // requests queued for a thread
  std::size_t max_response_bytes = 256 * 1024;      // a longer body fails the attempt
};

struct WebhookResult {
  int status = 0;     // HTTP status; 0 when no answer came
  std::string body;   // the answer's body (bounded by max_response_bytes)
  std::string error;  // why there is no usable answer; empty on 2xx
  int attempts = 0;
  std::chrono::microseconds latency{0};  // of the last attempt
  bool ok() const { return error.empty(); }
};

// "sha256=" and the lowercase hex HMAC-SHA256 of `body` keyed with `secret`.
std::string webhook_signature(const std::string& secret, const std::string& body);

class WebhookClient {
 public:
  explicit WebhookClient(WebhookSettings settings);
  ~WebhookClient();
  WebhookClient(const WebhookClient&) = delete;
  WebhookClient& operator=(const WebhookClient&) = delete;

  // POSTs `body` to `url` (http:// or https://), retrying as configured. `abandoned` is asked
  // before each retry: when it says true (the caller hung up) no further attempt is made.
  // Resumes on the awaiting coroutine's executor; never throws for HTTP failures.
  asio::awaitable<WebhookResult> post(std::string url, std::string body,
                                      std::function<bool()> abandoned = {});

  // GETs `url` into the file `path` (written whole or not at all: a temporary file renamed at
  // the end), at most `max_bytes`; one attempt on the pool, bounded by the timeout.
  asio::awaitable<WebhookResult> download(std::string url, std::string path, std::size_t max_bytes);

  // Requests queued or running now (for the end-of-call leak check in the log).
  std::size_t pending() const { return pending_.load(); }

 private:
  WebhookResult attempt(const std::string& url, const std::string& body) const;
  WebhookResult fetch_to_file(const std::string& url, const std::string& path,
                              std::size_t max_bytes) const;

  WebhookSettings settings_;
  asio::thread_pool pool_;
  std::atomic<std::size_t> pending_{0};
};

}  // namespace es::apps::httpivr
