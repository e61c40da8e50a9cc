#include "amqp/command_consumer.hpp"

#include <sys/time.h>

#include <fmt/format.h>

#include "core/api_registry.hpp"
#include "core/log_bus.hpp"
#include "protocol/ascii.hpp"
#include "protocol/escape.hpp"

namespace es::amqp {
namespace {

// How often the consuming thread looks at the stop flag while no message arrives.
constexpr long kPollWaitUs = 200000;
// A message's header and body frames follow its basic.deliver at once; a broker that stalls
// mid-message longer than this is treated as gone.
constexpr long kMidMessageWaitS = 5;
// Reply exchange and key are AMQP short strings.
constexpr std::size_t kMaxShortString = 255;

amqp_bytes_t bytes_of(std::string_view text) {
  return amqp_bytes_t{text.size(), const_cast<char*>(text.data())};
}

std::string_view view_of(const amqp_bytes_t& bytes) {
  return {static_cast<const char*>(bytes.bytes), bytes.len};
}

// A header's value when it is a string of sensible length (other kinds are ignored).
std::string string_value(const amqp_field_value_t& value) {
  if (value.kind != AMQP_FIELD_KIND_UTF8 && value.kind != AMQP_FIELD_KIND_BYTES) return {};
  std::string_view text = view_of(value.value.bytes);
  return text.size() > kMaxShortString ? std::string{} : std::string(text);
}

}  // namespace

std::string command_reply_json(std::string_view output, std::string_view command, int status) {
  std::string out = "{\n\t\"output\":\t";
  protocol::json_string_append(out, output);
  out.append(",\n\t\"command\":\t");
  protocol::json_string_append(out, command);
  out.append(",\n\t\"status\":\t");
  out.append(std::to_string(status));
  out.append("\n}");
  return out;
}

CommandConsumer::CommandConsumer(CommandProfile profile, core::Runtime& runtime)
    : profile_(std::move(profile)), runtime_(runtime) {
  if (profile_.allowed_commands) {
    auto policy = std::make_shared<core::AccessPolicy>();
    policy->who = "amqp commands profile " + profile_.name;
    policy->api = *profile_.allowed_commands;
    rules_.add(std::move(policy));
  }
}

CommandConsumer::~CommandConsumer() {
  stop();
}

void CommandConsumer::start() {
  thread_ = std::thread([this] { run(); });
}

void CommandConsumer::stop() {
  {
    std::lock_guard lock(pause_mutex_);
    stopping_.store(true);
  }
  pause_wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  stats_.set_state(LinkState::kStopped);
}

void CommandConsumer::pause() {
  std::unique_lock lock(pause_mutex_);
  pause_wake_.wait_for(lock, std::chrono::milliseconds(profile_.reconnect_interval_ms),
                       [&] { return stopping_.load(); });
}

bool CommandConsumer::connect_and_consume() {
  stats_.set_state(LinkState::kConnecting);
  std::string error;
  if (!link_.open(profile_.connections, "eventswitch", &error) ||
      !link_.declare_exchange(profile_.exchange, "topic", true, &error)) {
    return false;
  }
  amqp_connection_state_t state = link_.state();
  amqp_queue_declare_ok_t* declared = amqp_queue_declare(
      state, 1,
      profile_.queue.empty() ? amqp_empty_bytes : amqp_cstring_bytes(profile_.queue.c_str()),
      profile_.queue_passive, profile_.queue_durable, profile_.queue_exclusive,
      profile_.queue_auto_delete, amqp_empty_table);
  amqp_rpc_reply_t reply = amqp_get_rpc_reply(state);
  if (!declared || reply.reply_type != AMQP_RESPONSE_NORMAL) {
    ES_LOG(runtime_.log(), core::LogLevel::kWarning, "amqp commands {}: declaring queue: {}",
           profile_.name, rpc_error_text(reply));
    link_.drop();
    return false;
  }
  std::string queue(view_of(declared->queue));
  amqp_queue_bind(state, 1, bytes_of(queue), bytes_of(profile_.exchange),
                  bytes_of(profile_.binding_key), amqp_empty_table);
  reply = amqp_get_rpc_reply(state);
  if (reply.reply_type == AMQP_RESPONSE_NORMAL) {
    amqp_basic_consume(state, 1, bytes_of(queue), amqp_empty_bytes, 0, 1, 0, amqp_empty_table);
    reply = amqp_get_rpc_reply(state);
  }
  if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
    ES_LOG(runtime_.log(), core::LogLevel::kWarning, "amqp commands {}: binding queue {}: {}",
           profile_.name, queue, rpc_error_text(reply));
    link_.drop();
    return false;
  }
  stats_.connects.fetch_add(1, std::memory_order_relaxed);
  stats_.set_state(LinkState::kConnected, link_.endpoint().name);
  ES_LOG(runtime_.log(), core::LogLevel::kInfo,
         "amqp commands {}: consuming {} bound to {} with {}", profile_.name, queue,
         profile_.exchange, profile_.binding_key);
  return true;
}

bool CommandConsumer::read_delivery(Delivery& delivery) {
  amqp_connection_state_t state = link_.state();
  amqp_frame_t frame{};
  timeval wait{kMidMessageWaitS, 0};
  if (amqp_simple_wait_frame_noblock(state, &frame, &wait) != AMQP_STATUS_OK ||
      frame.frame_type != AMQP_FRAME_HEADER) {
    return false;
  }
  const std::uint64_t body_size = frame.payload.properties.body_size;
  const auto* props = static_cast<const amqp_basic_properties_t*>(frame.payload.properties.decoded);
  if (props && (props->_flags & AMQP_BASIC_CONTENT_TYPE_FLAG)) {
    // mod_amqp runs only text/plain bodies (or bodies without a content type).
    delivery.plain_text = protocol::istarts_with(view_of(props->content_type), "text/plain");
  }
  if (props && (props->_flags & AMQP_BASIC_HEADERS_FLAG)) {
    for (int i = 0; i < props->headers.num_entries; ++i) {
      const amqp_table_entry_t& entry = props->headers.entries[i];
      std::string_view key = view_of(entry.key);
      if (key == "x-fs-api-resp-exchange") {
        delivery.reply_exchange = string_value(entry.value);
      } else if (key == "x-fs-api-resp-key") {
        delivery.reply_key = string_value(entry.value);
      }
    }
  }
  // The body arrives in frames of at most frame_max bytes; past the bound they are read and
  // discarded, so a huge message costs time but no memory.
  std::uint64_t received = 0;
  while (received < body_size) {
    wait = timeval{kMidMessageWaitS, 0};
    if (amqp_simple_wait_frame_noblock(state, &frame, &wait) != AMQP_STATUS_OK ||
        frame.frame_type != AMQP_FRAME_BODY) {
      return false;
    }
    std::string_view fragment = view_of(frame.payload.body_fragment);
    received += fragment.size();
    if (!delivery.too_large && delivery.body.size() + fragment.size() <= kMaxCommandBytes) {
      delivery.body.append(fragment);
    } else {
      delivery.too_large = true;
      delivery.body.clear();
    }
  }
  return true;
}

void CommandConsumer::reply(const Delivery& delivery, std::string_view output, int status) {
  if (delivery.reply_exchange.empty() && delivery.reply_key.empty()) return;
  const std::string json = command_reply_json(output, delivery.body, status);
  amqp_basic_properties_t props{};
  props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG;
  props.content_type = amqp_cstring_bytes("text/json");
  int result = amqp_basic_publish(link_.state(), 1, bytes_of(delivery.reply_exchange),
                                  bytes_of(delivery.reply_key), 0, 0, &props, bytes_of(json));
  if (result != AMQP_STATUS_OK) {
    ES_LOG(runtime_.log(), core::LogLevel::kWarning, "amqp commands {}: reply failed: {}",
           profile_.name, amqp_error_string2(result));
    link_.drop();
  }
}

void CommandConsumer::handle(const Delivery& delivery) {
  stats_.received.fetch_add(1, std::memory_order_relaxed);
  if (!delivery.plain_text) {
    stats_.refused.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (delivery.too_large) {
    stats_.refused.fetch_add(1, std::memory_order_relaxed);
    ES_LOG(runtime_.log(), core::LogLevel::kWarning,
           "amqp commands {}: a command over {} bytes was refused", profile_.name,
           kMaxCommandBytes);
    reply(delivery, fmt::format("-ERR command longer than {} bytes\n", kMaxCommandBytes), 1);
    return;
  }
  ES_LOG(runtime_.log(), core::LogLevel::kInfo, "amqp commands {}: executing: {}", profile_.name,
         delivery.body);
  // Every part of a console line ("a;;b") must be allowed, or nothing runs; what the parts
  // run in turn (eval, expansions) is checked again by the registry through the context.
  for (std::string_view part : core::ApiRegistry::console_parts(delivery.body)) {
    while (!part.empty() && (part.front() == ' ' || part.front() == '\t')) part.remove_prefix(1);
    std::string_view name = part.substr(0, part.find(' '));
    while (!name.empty() && (name.back() == '\t')) name.remove_suffix(1);
    if (rules_.refuses_api(name)) {
      stats_.refused.fetch_add(1, std::memory_order_relaxed);
      ES_LOG(runtime_.log(), core::LogLevel::kWarning, "amqp commands {}: refused: {}",
             profile_.name, delivery.body);
      reply(delivery, core::kPermissionDenied, 1);
      return;
    }
  }
  core::ApiContext context;
  context.rules = rules_;
  core::ApiResult result = runtime_.api().execute_console(delivery.body, context);
  reply(delivery, result.output, result.status == core::ApiStatus::kSuccess ? 0 : 1);
}

void CommandConsumer::run() {
  while (!stopping_.load()) {
    if (!link_.connected() && !connect_and_consume()) {
      pause();
      continue;
    }
    amqp_maybe_release_buffers(link_.state());
    amqp_frame_t frame{};
    timeval wait{0, kPollWaitUs};
    int status = amqp_simple_wait_frame_noblock(link_.state(), &frame, &wait);
    if (status == AMQP_STATUS_TIMEOUT) continue;
    if (status != AMQP_STATUS_OK) {
      ES_LOG(runtime_.log(), core::LogLevel::kWarning, "amqp commands {}: connection lost: {}",
             profile_.name, amqp_error_string2(status));
      link_.drop();
      continue;
    }
    if (frame.frame_type != AMQP_FRAME_METHOD) continue;
    const amqp_method_number_t method = frame.payload.method.id;
    if (method == AMQP_CONNECTION_CLOSE_METHOD || method == AMQP_CHANNEL_CLOSE_METHOD) {
      ES_LOG(runtime_.log(), core::LogLevel::kWarning, "amqp commands {}: broker closed",
             profile_.name);
      link_.drop();
      continue;
    }
    if (method != AMQP_BASIC_DELIVER_METHOD) continue;
    Delivery delivery;
    if (!read_delivery(delivery)) {
      link_.drop();
      continue;
    }
    handle(delivery);
  }
  link_.close();
}

}  // namespace es::amqp
