// The optional Prometheus endpoint (--metrics-listen, or metrics-listen in event_socket.conf):
// GET /metrics answers the registry's exposition. cpp-httplib serves it on one thread of its
// own that handles one connection at a time: the request head must arrive whole within 8 KiB
// and 2 s, no body, one request per connection, 2 s write timeout. A hostile or stuck scraper
// delays other scrapes by at most those 2 s and never touches the event loops, which the
// registry's atomics and collectors do not block.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "core/log_bus.hpp"
#include "core/metrics.hpp"

namespace httplib {
class Server;
}

namespace es::apps {

class MetricsEndpoint {
 public:
  explicit MetricsEndpoint(core::MetricsRegistry& registry);
  ~MetricsEndpoint();
  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

  // Binds `listen` ("IP:PORT", "[IPv6]:PORT"; port 0 picks a free one) and starts serving.
  // False with a one-line reason when the address is malformed or cannot be bound.
  bool start(const std::string& listen, std::string* error);
  // "IP:PORT" actually bound.
  const std::string& address() const { return address_; }

 private:
  core::MetricsRegistry& registry_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::string address_;
};

}  // namespace es::apps
