// One webhook attempt with cpp-httplib, the retry loop, and the request signature.
#include "apps/httpivr/webhook_client.hpp"

#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <asio/co_spawn.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <thread>

namespace es::apps::httpivr {
namespace {

using Clock = std::chrono::steady_clock;

struct SplitUrl {
  std::string origin;  // scheme://host[:port]
  std::string path;    // /path?query
};

std::optional<SplitUrl> split_url(const std::string& url) {
  // URLs come from webhooks (action hooks, redirects): a space or control byte could split the
  // request line or add header lines.
  for (char c : url) {
    auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7F) return std::nullopt;
  }
  std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return std::nullopt;
  std::string scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") return std::nullopt;
  std::size_t path_start = url.find('/', scheme_end + 3);
  if (path_start == scheme_end + 3) return std::nullopt;  // no host
  if (path_start == std::string::npos) return SplitUrl{url, "/"};
  return SplitUrl{url.substr(0, path_start), url.substr(path_start)};
}

// Connections are kept per pool thread and origin, so consecutive requests of a thread to the
// same web application reuse one keep-alive connection. Bounded by the origins seen.
constexpr std::size_t kMaxOriginsPerThread = 64;

httplib::Client& client_for(const std::string& origin, const WebhookSettings& settings) {
  thread_local std::map<std::string, std::unique_ptr<httplib::Client>> clients;
  auto it = clients.find(origin);
  if (it != clients.end()) return *it->second;
  if (clients.size() >= kMaxOriginsPerThread) clients.clear();
  auto client = std::make_unique<httplib::Client>(origin);
  client->set_keep_alive(true);
  client->set_tcp_nodelay(true);       // headers and body go out as separate writes: no Nagle wait
  client->set_follow_location(false);  // a webhook's redirect is not followed: it is an error
  auto to_parts = [](std::chrono::milliseconds ms) {
    return std::pair<time_t, time_t>(ms.count() / 1000, (ms.count() % 1000) * 1000);
  };
  auto [connect_s, connect_us] = to_parts(settings.connect_timeout);
  client->set_connection_timeout(connect_s, connect_us);
  auto [io_s, io_us] = to_parts(settings.timeout);
  client->set_read_timeout(io_s, io_us);
  client->set_write_timeout(io_s, io_us);
  // TLS: the system's CA bundle; certificates are verified.
  if (::access("/etc/ssl/certs/ca-certificates.crt", R_OK) == 0) {
    client->set_ca_cert_path("/etc/ssl/certs/ca-certificates.crt");
  }
  client->enable_server_certificate_verification(true);
  return *clients.emplace(origin, std::move(client)).first->second;
}

// A response body read under two bounds; says which one stopped the read, if one did.
struct BodyLimits {
  std::size_t max_bytes = 0;
  Clock::time_point deadline;
  std::size_t taken = 0;
  bool too_long = false;
  bool too_slow = false;
};

// The read timeout bounds each silence; the deadline bounds the whole answer, so a peer
// trickling a byte at a time cannot hold the thread past the timeout either. `sink` keeps the
// bytes and says whether reading goes on.
template <typename Sink>
httplib::ContentReceiverWithProgress bounded_receiver(BodyLimits& limits, Sink sink) {
  return [&limits, sink = std::move(sink)](const char* data, std::size_t length, std::uint64_t,
                                           std::uint64_t) mutable {
    if (limits.taken + length > limits.max_bytes) {
      limits.too_long = true;
      return false;
    }
    if (Clock::now() > limits.deadline) {
      limits.too_slow = true;
      return false;
    }
    limits.taken += length;
    return sink(data, length);
  };
}

// Neither a POST nor a GET is made: the URL is refused by split_url.
WebhookResult unusable_url() {
  WebhookResult result;
  result.error = "not an http(s) URL";
  return result;
}

bool retryable(const WebhookResult& result) {
  return result.status == 0 || result.status >= 500;
}

}  // namespace

std::string webhook_signature(const std::string& secret, const std::string& body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xF];
  }
  return out;
}

WebhookClient::WebhookClient(WebhookSettings settings)
    : settings_(std::move(settings)), pool_(settings_.max_in_flight) {}

WebhookClient::~WebhookClient() {
  pool_.join();
}

WebhookResult WebhookClient::attempt(const std::string& url, const std::string& body) const {
  auto started = Clock::now();
  auto split = split_url(url);
  if (!split) return unusable_url();
  WebhookResult result;
  httplib::Request request;
  request.method = "POST";
  request.path = split->path;
  request.body = body;
  request.set_header("Content-Type", "application/json");
  request.set_header("User-Agent", "httpivr");
  if (!settings_.secret.empty()) {
    request.set_header("X-Signature", webhook_signature(settings_.secret, body));
  }
  std::string received;
  BodyLimits limits{settings_.max_response_bytes, started + settings_.timeout};
  request.content_receiver =
      bounded_receiver(limits, [&received](const char* data, std::size_t length) {
        received.append(data, length);
        return true;
      });
  httplib::Response response;
  httplib::Error error = httplib::Error::Success;
  bool sent = client_for(split->origin, settings_).send(request, response, error);
  result.latency = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started);
  if (limits.too_long) {
    result.error = "response longer than " + std::to_string(settings_.max_response_bytes);
    return result;
  }
  if (limits.too_slow) {
    result.error = "timeout";
    return result;
  }
  if (!sent) {
    result.error = error == httplib::Error::Read || error == httplib::Error::ConnectionTimeout
                       ? "timeout"
                       : httplib::to_string(error);
    return result;
  }
  result.status = response.status;
  result.body = std::move(received);
  if (response.status < 200 || response.status > 299) {
    result.error = "HTTP " + std::to_string(response.status);
  }
  return result;
}

WebhookResult WebhookClient::fetch_to_file(const std::string& url, const std::string& path,
                                           std::size_t max_bytes) const {
  auto started = Clock::now();
  auto split = split_url(url);
  if (!split) return unusable_url();
  WebhookResult result;
  std::string partial = path + ".part" + std::to_string(::getpid()) + "-" +
                        std::to_string(std::hash<std::thread::id>()(std::this_thread::get_id()));
  std::ofstream out(partial, std::ios::binary | std::ios::trunc);
  if (!out) {
    result.error = "cannot write " + partial;
    return result;
  }
  BodyLimits limits{max_bytes, started + settings_.timeout};
  httplib::Request request;
  request.method = "GET";
  request.path = split->path;
  request.set_header("User-Agent", "httpivr");
  request.content_receiver = bounded_receiver(limits, [&out](const char* data, std::size_t length) {
    out.write(data, static_cast<std::streamsize>(length));
    return static_cast<bool>(out);
  });
  httplib::Response response;
  httplib::Error error = httplib::Error::Success;
  bool sent = client_for(split->origin, settings_).send(request, response, error);
  out.close();
  result.latency = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started);
  result.status = sent ? response.status : 0;
  if (limits.too_long) {
    result.error = "media longer than " + std::to_string(max_bytes);
  } else if (limits.too_slow) {
    result.error = "timeout";
  } else if (!sent) {
    result.error = httplib::to_string(error);
  } else if (response.status < 200 || response.status > 299) {
    result.error = "HTTP " + std::to_string(response.status);
  } else if (!out || std::rename(partial.c_str(), path.c_str()) != 0) {
    result.error = "cannot write " + path;
  }
  if (!result.ok()) std::remove(partial.c_str());
  return result;
}

asio::awaitable<WebhookResult> WebhookClient::download(std::string url, std::string path,
                                                       std::size_t max_bytes) {
  WebhookResult result;
  if (pending_.load() >= settings_.max_in_flight + settings_.max_waiting) {
    result.error = "too many webhook requests waiting";
    co_return result;
  }
  ++pending_;
  result = co_await asio::co_spawn(
      pool_,
      [this, &url, &path, max_bytes]() -> asio::awaitable<WebhookResult> {
        co_return fetch_to_file(url, path, max_bytes);
      },
      asio::use_awaitable);
  --pending_;
  result.attempts = 1;
  co_return result;
}

asio::awaitable<WebhookResult> WebhookClient::post(std::string url, std::string body,
                                                   std::function<bool()> abandoned) {
  WebhookResult result;
  auto executor = co_await asio::this_coro::executor;
  std::chrono::milliseconds backoff = settings_.backoff;
  for (int attempt_no = 0; attempt_no <= settings_.retries; ++attempt_no) {
    if (attempt_no > 0) {
      asio::steady_timer timer(executor, backoff);
      co_await timer.async_wait(asio::use_awaitable);
      backoff *= 2;
      if (abandoned && abandoned()) break;
    }
    if (pending_.load() >= settings_.max_in_flight + settings_.max_waiting) {
      result.error = "too many webhook requests waiting";
      result.attempts = attempt_no + 1;
      continue;  // counts as a connection failure: backed off and retried
    }
    ++pending_;
    // The blocking attempt runs on the pool; co_spawn's completion brings us back to our own
    // executor.
    result = co_await asio::co_spawn(
        pool_,
        [this, &url, &body]() -> asio::awaitable<WebhookResult> { co_return attempt(url, body); },
        asio::use_awaitable);
    --pending_;
    result.attempts = attempt_no + 1;
    if (result.ok() || !retryable(result)) break;
  }
  co_return result;
}

}  // namespace es::apps::httpivr
