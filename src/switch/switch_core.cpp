#include "switch/switch_core.hpp"

#include <fmt/format.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "core/log_bus.hpp"
#include "core/uuid.hpp"
#include "switch/channel_table.hpp"
#include "switch/session/hangup_cause.hpp"

namespace es::sw {

SwitchCore::SwitchCore(core::Runtime& runtime, asio::io_context& io, core::Timers& timers,
                       SwitchOptions options)
    : runtime_(runtime), io_(io), timers_(timers), options_(std::move(options)) {}

SwitchCore::~SwitchCore() {
  runtime_.remove_session_control(this);
  runtime_.remove_channels(this);
}

SessionPtr SwitchCore::create_session(Direction direction, std::unique_ptr<ChannelDriver> driver,
                                      CallerProfile profile, std::string uuid, int* cause) {
  auto& stats = runtime_.sessions();
  if (!admit_session_per_second()) {
    ES_LOG(runtime_.log(), core::LogLevel::kCrit, "Throttle Error! {}", stats.active.load());
    if (cause) *cause = cause::kDestinationOutOfOrder;
    return nullptr;
  }
  if (stats.active.load() + 1 > stats.max_sessions.load()) {
    ES_LOG(runtime_.log(), core::LogLevel::kCrit, "Over Session Limit! {}",
           stats.max_sessions.load());
    if (cause) *cause = cause::kDestinationOutOfOrder;
    return nullptr;
  }
  bool forced = !uuid.empty();
  if (!forced) uuid = core::make_uuid();
  auto session = std::make_shared<Session>(*this, direction, uuid, next_session_id_.fetch_add(1),
                                           std::move(driver), std::move(profile));
  {
    std::unique_lock lock(mutex_);
    if (!sessions_.emplace(uuid, session).second) {
      if (cause) *cause = cause::kNormalTemporaryFailure;
      return nullptr;
    }
  }
  stats.since_startup.fetch_add(1);
  std::uint32_t active = stats.active.fetch_add(1) + 1;
  std::uint32_t peak = stats.peak.load();
  while (active > peak && !stats.peak.compare_exchange_weak(peak, active)) {
  }
  if (active > stats.peak_5min.load()) stats.peak_5min = active;
  return session;
}

bool SwitchCore::admit_session_per_second() {
  // FreeSWITCH's throttle: at most max_sps new sessions in each one-second window (fsctl sps).
  auto& stats = runtime_.sessions();
  std::int64_t second = runtime_.clock().now_monotonic_us() / 1000000;
  std::lock_guard lock(sps_mutex_);
  if (second != sps_second_) {
    std::uint32_t last = sps_count_;
    stats.last_sps = last;
    if (last > stats.sps_peak.load()) stats.sps_peak = last;
    if (last > stats.sps_peak_5min.load()) stats.sps_peak_5min = last;
    sps_second_ = second;
    sps_count_ = 0;
  }
  if (sps_count_ + 1 > stats.max_sps.load()) return false;
  ++sps_count_;
  return true;
}

SessionPtr SwitchCore::find(std::string_view uuid) const {
  std::shared_lock lock(mutex_);
  auto it = sessions_.find(std::string(uuid));
  return it == sessions_.end() ? nullptr : it->second;
}

SessionPtr SwitchCore::locate(std::string_view uuid) const {
  SessionPtr s = find(uuid);
  return s && s->up() ? s : nullptr;
}

std::vector<SessionPtr> SwitchCore::sessions() const {
  std::shared_lock lock(mutex_);
  std::vector<SessionPtr> out;
  out.reserve(sessions_.size());
  for (const auto& [uuid, s] : sessions_) out.push_back(s);
  return out;
}

std::size_t SwitchCore::count() const {
  std::shared_lock lock(mutex_);
  return sessions_.size();
}

void SwitchCore::remove(const Session& session) {
  {
    std::unique_lock lock(mutex_);
    auto it = sessions_.find(session.uuid());
    if (it == sessions_.end() || it->second.get() != &session) return;
    sessions_.erase(it);
  }
  runtime_.sessions().active.fetch_sub(1);
}

bool SwitchCore::rename(const SessionPtr& session, std::string_view new_uuid) {
  std::unique_lock lock(mutex_);
  if (sessions_.count(std::string(new_uuid))) return false;
  sessions_.erase(session->uuid());
  sessions_.emplace(std::string(new_uuid), session);
  return true;
}

void SwitchCore::hangup_all(int cause) {
  for (auto& s : sessions()) s->hangup(cause);
}

void SwitchCore::settle() const {
  // Sessions react to a timer on their strands; give them a moment to reach their next wait.
  // Bounded so a session busy for real (a long computation) cannot stall time forever.
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  int quiet_rounds = 0;
  while (std::chrono::steady_clock::now() < give_up) {
    if (running_sessions.load() == 0) {
      if (++quiet_rounds >= 3) return;
    } else {
      quiet_rounds = 0;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
}

bool SwitchCore::is_live(std::string_view uuid) const {
  return locate(uuid) != nullptr;
}

bool SwitchCore::confine(std::string_view uuid, const core::AccessRules& rules) {
  SessionPtr s = locate(uuid);
  if (!s) return false;
  s->confine(rules);
  return true;
}

core::QueueResult SwitchCore::queue_message(std::string_view uuid, core::Event message) {
  SessionPtr s = locate(uuid);
  if (!s) return core::QueueResult::kNoSession;
  return s->queue_command(std::move(message)) ? core::QueueResult::kQueued
                                              : core::QueueResult::kQueueFull;
}

core::QueueResult SwitchCore::queue_event(std::string_view uuid, core::Event event) {
  SessionPtr s = locate(uuid);
  if (!s) return core::QueueResult::kNoSession;
  return s->queue_event(std::move(event)) ? core::QueueResult::kQueued
                                          : core::QueueResult::kQueueFull;
}

std::shared_ptr<void> SwitchCore::attach(std::string_view uuid, std::function<void()> on_hangup,
                                         std::function<void()> on_reported) {
  SessionPtr s = locate(uuid);
  return s ? s->attach(on_hangup, on_reported) : nullptr;
}

bool SwitchCore::set_event_divert(std::string_view uuid, std::function<bool(core::Event&)> sink) {
  SessionPtr s = locate(uuid);
  if (!s) return false;
  s->set_event_divert(sink);
  return true;
}

std::optional<std::string> SwitchCore::channel_name(std::string_view uuid) const {
  SessionPtr s = locate(uuid);
  if (!s) return std::nullopt;
  return s->name();
}

std::vector<std::vector<std::string>> SwitchCore::channel_rows(std::string_view subject) const {
  return build_channel_rows(*this, subject);
}

bool SwitchCore::fill_channel_data(std::string_view uuid, core::Event& event) const {
  SessionPtr s = locate(uuid);
  if (!s) return false;
  s->add_event_data(event, true);
  return true;
}

void SwitchCore::hangup_all() {
  hangup_all(cause::kManagerRequest);
}

void SwitchCore::set_dial_string_map(DialStringMap map) {
  auto shared = std::make_shared<const DialStringMap>(std::move(map));
  std::lock_guard lock(dial_map_mutex_);
  dial_map_ = std::move(shared);
}

std::shared_ptr<const DialStringMap> SwitchCore::dial_string_map() const {
  std::lock_guard lock(dial_map_mutex_);
  return dial_map_;
}

void SwitchCore::attach_to_runtime() {
  runtime_.set_session_control(this);
  runtime_.set_channels(this);
}

}  // namespace es::sw
