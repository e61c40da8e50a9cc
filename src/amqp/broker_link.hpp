// One live AMQP connection through rabbitmq-c, opened on the first reachable endpoint of a
// profile's ordered list (failover), with channel 1 open. Used by one thread only.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <amqp.h>

#include "amqp/amqp_config.hpp"

namespace es::amqp {

class BrokerLink {
 public:
  BrokerLink() = default;
  ~BrokerLink() { drop(); }
  BrokerLink(const BrokerLink&) = delete;
  BrokerLink& operator=(const BrokerLink&) = delete;

  // Closes any current connection, then tries each endpoint in order until one opens and
  // logs in. False (with the last error) when none does.
  bool open(const std::vector<BrokerEndpoint>& endpoints, std::string_view product_name,
            std::string* error);
  bool connected() const { return state_ != nullptr; }
  // The endpoint in use (valid while connected).
  const BrokerEndpoint& endpoint() const { return endpoint_; }
  amqp_connection_state_t state() const { return state_; }

  bool declare_exchange(const std::string& name, const std::string& type, bool durable,
                        std::string* error);

  // Publisher confirms on channel 1 (the broker acks every publish it has taken over).
  bool enable_confirms(std::string* error);

  // A broker that closed the connection (shutdown, failover) while we only wrote would
  // swallow what we publish next: before publishing, read without waiting whatever the
  // broker sent (and send a heartbeat when one is due). False when the connection is gone
  // (it is dropped then).
  bool still_open();

  // Whether the broker sent something not read yet (buffered, or readable on the socket).
  bool input_pending() const;

  // Polite close (channel and connection close handshakes, bounded by the RPC timeout).
  void close();
  // Forgets the connection without a handshake (after a socket error).
  void drop();

 private:
  amqp_connection_state_t state_ = nullptr;
  BrokerEndpoint endpoint_;
};

// The text of a failed RPC reply (library error, or the broker's close reason).
std::string rpc_error_text(const amqp_rpc_reply_t& reply);

}  // namespace es::amqp
