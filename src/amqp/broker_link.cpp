#include "amqp/broker_link.hpp"

#include <poll.h>
#include <sys/time.h>
#include <unistd.h>

#include <amqp_ssl_socket.h>
#include <amqp_tcp_socket.h>
#include <fmt/format.h>

namespace es::amqp {
namespace {

// A dead or black-holed broker must not hold a profile's thread for long: connect and every
// RPC (login, declare, close) give up after this.
constexpr int kConnectTimeoutS = 3;
constexpr int kRpcTimeoutS = 5;
// mod_amqp's frame size; frames are the largest unit rabbitmq-c buffers at once.
constexpr int kFrameMax = 131072;

std::string local_hostname() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "(unknown)";
  return name;
}

amqp_table_entry_t string_entry(const char* key, const std::string& value) {
  amqp_table_entry_t entry{};
  entry.key = amqp_cstring_bytes(key);
  entry.value.kind = AMQP_FIELD_KIND_UTF8;
  entry.value.value.bytes = amqp_bytes_t{value.size(), const_cast<char*>(value.data())};
  return entry;
}

}  // namespace

std::string rpc_error_text(const amqp_rpc_reply_t& reply) {
  switch (reply.reply_type) {
    case AMQP_RESPONSE_NORMAL:
      return {};
    case AMQP_RESPONSE_NONE:
      return "missing RPC reply";
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
      return amqp_error_string2(reply.library_error);
    case AMQP_RESPONSE_SERVER_EXCEPTION:
      if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
        const auto* m = static_cast<const amqp_connection_close_t*>(reply.reply.decoded);
        return fmt::format(
            "server connection error {}: {}", m->reply_code,
            std::string_view(static_cast<const char*>(m->reply_text.bytes), m->reply_text.len));
      }
      if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
        const auto* m = static_cast<const amqp_channel_close_t*>(reply.reply.decoded);
        return fmt::format(
            "server channel error {}: {}", m->reply_code,
            std::string_view(static_cast<const char*>(m->reply_text.bytes), m->reply_text.len));
      }
      return fmt::format("server error, method 0x{:08X}", reply.reply.id);
  }
  return "unknown reply";
}

bool BrokerLink::open(const std::vector<BrokerEndpoint>& endpoints, std::string_view product_name,
                      std::string* error) {
  drop();
  if (endpoints.empty()) {
    *error = "no connection configured";
    return false;
  }
  // The client properties mod_amqp announces, so broker dashboards show who we are.
  const std::string host = local_hostname();
  const std::string product(product_name);
  const std::string process_type = "TAP";
  amqp_table_entry_t entries[3] = {string_entry("x_HostMachineName", host),
                                   string_entry("x_ProcessDescription", product),
                                   string_entry("x_ProcessType", process_type)};
  amqp_table_t properties{3, entries};

  for (const BrokerEndpoint& endpoint : endpoints) {
    amqp_connection_state_t state = amqp_new_connection();
    if (!state) {
      *error = "out of memory";
      return false;
    }
    amqp_socket_t* socket = nullptr;
    if (endpoint.ssl_on) {
      socket = amqp_ssl_socket_new(state);
      if (socket) {
        amqp_ssl_socket_set_verify_peer(socket, endpoint.ssl_verify_peer ? 1 : 0);
        amqp_ssl_socket_set_verify_hostname(socket, endpoint.ssl_verify_peer ? 1 : 0);
      }
    } else {
      socket = amqp_tcp_socket_new(state);
    }
    if (!socket) {
      amqp_destroy_connection(state);
      *error = "cannot create a socket";
      continue;
    }
    timeval connect_timeout{kConnectTimeoutS, 0};
    int status = amqp_socket_open_noblock(socket, endpoint.hostname.c_str(), endpoint.port,
                                          &connect_timeout);
    if (status != AMQP_STATUS_OK) {
      *error = fmt::format("{} ({}:{}): {}", endpoint.name, endpoint.hostname, endpoint.port,
                           amqp_error_string2(status));
      amqp_destroy_connection(state);
      continue;
    }
    timeval rpc_timeout{kRpcTimeoutS, 0};
    amqp_set_rpc_timeout(state, &rpc_timeout);
    amqp_rpc_reply_t reply = amqp_login_with_properties(
        state, endpoint.virtualhost.c_str(), 0, kFrameMax, endpoint.heartbeat_s, &properties,
        AMQP_SASL_METHOD_PLAIN, endpoint.username.c_str(), endpoint.password.c_str());
    if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
      *error = fmt::format("{}: login: {}", endpoint.name, rpc_error_text(reply));
      amqp_destroy_connection(state);
      continue;
    }
    amqp_channel_open(state, 1);
    reply = amqp_get_rpc_reply(state);
    if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
      *error = fmt::format("{}: channel: {}", endpoint.name, rpc_error_text(reply));
      amqp_destroy_connection(state);
      continue;
    }
    state_ = state;
    endpoint_ = endpoint;
    return true;
  }
  return false;
}

bool BrokerLink::declare_exchange(const std::string& name, const std::string& type, bool durable,
                                  std::string* error) {
  if (!state_) return false;
  amqp_exchange_declare(state_, 1, amqp_cstring_bytes(name.c_str()),
                        amqp_cstring_bytes(type.c_str()), 0, durable ? 1 : 0, 0, 0,
                        amqp_empty_table);
  amqp_rpc_reply_t reply = amqp_get_rpc_reply(state_);
  if (reply.reply_type == AMQP_RESPONSE_NORMAL) return true;
  *error = fmt::format("declaring exchange {}: {}", name, rpc_error_text(reply));
  drop();
  return false;
}

bool BrokerLink::enable_confirms(std::string* error) {
  if (!state_) return false;
  amqp_confirm_select(state_, 1);
  amqp_rpc_reply_t reply = amqp_get_rpc_reply(state_);
  if (reply.reply_type == AMQP_RESPONSE_NORMAL) return true;
  *error = fmt::format("confirm.select: {}", rpc_error_text(reply));
  drop();
  return false;
}

bool BrokerLink::still_open() {
  if (!state_) return false;
  // Fast path: nothing to read (the usual case) costs one poll. With heartbeats the library
  // must run anyway: it sends ours from inside its frame reader when they are due.
  if (endpoint_.heartbeat_s == 0 && !input_pending()) return true;
  amqp_maybe_release_buffers(state_);  // decoded frames are not kept between calls
  for (;;) {
    amqp_frame_t frame{};
    timeval zero{0, 0};
    int status = amqp_simple_wait_frame_noblock(state_, &frame, &zero);
    if (status == AMQP_STATUS_TIMEOUT) return true;
    if (status != AMQP_STATUS_OK) {
      drop();
      return false;
    }
    // A producer expects nothing from the broker: a close (connection or channel) ends it.
    if (frame.frame_type == AMQP_FRAME_METHOD &&
        (frame.payload.method.id == AMQP_CONNECTION_CLOSE_METHOD ||
         frame.payload.method.id == AMQP_CHANNEL_CLOSE_METHOD)) {
      drop();
      return false;
    }
    if (amqp_frames_enqueued(state_) == 0 && amqp_data_in_buffer(state_) == 0) return true;
  }
}

bool BrokerLink::input_pending() const {
  if (!state_) return false;
  if (amqp_frames_enqueued(state_) != 0 || amqp_data_in_buffer(state_) != 0) return true;
  pollfd fd{amqp_get_sockfd(state_), POLLIN, 0};
  return ::poll(&fd, 1, 0) > 0;
}

void BrokerLink::close() {
  if (!state_) return;
  amqp_channel_close(state_, 1, AMQP_REPLY_SUCCESS);
  amqp_connection_close(state_, AMQP_REPLY_SUCCESS);
  drop();
}

void BrokerLink::drop() {
  if (!state_) return;
  amqp_destroy_connection(state_);
  state_ = nullptr;
}

}  // namespace es::amqp
