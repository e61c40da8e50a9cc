#include "amqp/log_publisher.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>

#include <fmt/format.h>

#include "protocol/escape.hpp"

namespace es::amqp {
namespace {

constexpr std::chrono::milliseconds kIdleWait{1000};

// This file's own lines are not published: a broker failure logged here would otherwise
// queue more lines for the same failing broker (mod_amqp skips its logging file likewise).
constexpr std::string_view kOwnFile = "log_publisher.cpp";

amqp_bytes_t bytes_of(std::string_view text) {
  return amqp_bytes_t{text.size(), const_cast<char*>(text.data())};
}

// cJSON's number printing: 15 significant digits, 17 when 15 do not read back the same.
std::string cjson_number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%1.15g", value);
  if (std::strtod(buffer, nullptr) != value) std::snprintf(buffer, sizeof(buffer), "%1.17g", value);
  return buffer;
}

std::string local_timestamp(std::int64_t epoch_us) {
  std::time_t seconds = static_cast<std::time_t>(epoch_us / 1000000);
  std::tm tm{};
  localtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:06}", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, epoch_us % 1000000);
}

}  // namespace

std::string log_routing_key(std::string_view hostname, const core::LogLine& line) {
  std::string file = line.file;
  for (char& c : file) {
    if (c == '.') c = '_';
  }
  std::string key =
      fmt::format("{}.{}.{}.{}", hostname, line.user_data.empty() ? "(null)" : line.user_data,
                  core::log_level_name(line.level), file);
  // An AMQP short string; mod_amqp's buffer is as long.
  if (key.size() > 255) key.resize(255);
  return key;
}

std::string log_json_body(const core::LogLine& line) {
  // FreeSWITCH's log content keeps the line end its callers write; ours are stored without.
  std::string content = line.message;
  if (content.empty() || content.back() != '\n') content.push_back('\n');
  std::string out = "{\n\t\"file\":\t";
  protocol::json_string_append(out, line.file);
  out.append(",\n\t\"function\":\t");
  protocol::json_string_append(out, line.function);
  out.append(",\n\t\"line\":\t");
  out.append(cjson_number(line.line));
  out.append(",\n\t\"level\":\t");
  protocol::json_string_append(out, core::log_level_name(line.level));
  out.append(",\n\t\"timestamp\":\t");
  protocol::json_string_append(out, local_timestamp(line.epoch_us));
  out.append(",\n\t\"timestamp_epoch\":\t");
  out.append(cjson_number(static_cast<double>(line.epoch_us) / 1000000));
  out.append(",\n\t\"content\":\t");
  protocol::json_string_append(out, content);
  out.append("\n}");
  return out;
}

LogPublisher::LogPublisher(LoggingProfile profile, core::Runtime& runtime)
    : profile_(std::move(profile)),
      runtime_(runtime),
      queue_(static_cast<std::size_t>(profile_.send_queue_size)) {}

LogPublisher::~LogPublisher() {
  stop();
}

void LogPublisher::start() {
  thread_ = std::thread([this] { run(); });
}

void LogPublisher::stop() {
  stopping_.store(true);
  queue_.close();
  if (thread_.joinable()) thread_.join();
  stats_.set_state(LinkState::kStopped);
}

void LogPublisher::on_log(const core::LogLinePtr& line) {
  if (line->level < 0 || line->level > 31) return;
  if ((profile_.level_mask & (1u << line->level)) == 0) return;
  if (line->file == kOwnFile) return;
  if (!queue_.try_push(line)) stats_.dropped.fetch_add(1, std::memory_order_relaxed);
}

bool LogPublisher::ensure_connected() {
  if (link_.connected()) return true;
  stats_.set_state(LinkState::kConnecting);
  std::string error;
  if (link_.open(profile_.connections, "eventswitch", &error) &&
      link_.declare_exchange(profile_.exchange, profile_.exchange_type, profile_.exchange_durable,
                             &error)) {
    stats_.connects.fetch_add(1, std::memory_order_relaxed);
    stats_.set_state(LinkState::kConnected, link_.endpoint().name);
    return true;
  }
  return false;
}

void LogPublisher::run() {
  core::LogLinePtr pending;
  const std::string hostname = runtime_.identity().hostname;
  while (!stopping_.load()) {
    if (!ensure_connected()) {
      queue_.sleep_unless_closed(std::chrono::milliseconds(profile_.reconnect_interval_ms));
      continue;
    }
    if (!pending) {
      auto next = queue_.pop_for(kIdleWait);
      if (!next) {
        // Idle: notice a closed connection, and keep heartbeats going.
        link_.still_open();
        continue;
      }
      pending = std::move(*next);
    }
    if (!link_.still_open()) continue;
    const std::string key = log_routing_key(hostname, *pending);
    const std::string body = log_json_body(*pending);
    amqp_basic_properties_t props{};
    props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG;
    props.content_type = amqp_cstring_bytes("application/json");
    int status = amqp_basic_publish(link_.state(), 1, bytes_of(profile_.exchange), bytes_of(key), 0,
                                    0, &props, bytes_of(body));
    if (status != AMQP_STATUS_OK) {
      link_.drop();
      continue;
    }
    stats_.published.fetch_add(1, std::memory_order_relaxed);
    pending.reset();
  }
  stats_.dropped.fetch_add((pending ? 1 : 0) + queue_.size(), std::memory_order_relaxed);
  link_.close();
}

}  // namespace es::amqp
