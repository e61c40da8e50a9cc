// Session state that any thread may touch: states, answer marks, hangup, variables, queues,
// DTMF and media hand-off. The state machine itself is in session_runner.cpp, events in
// session_events.cpp. The containers (ChannelVariableStore, LegProfiles, SessionQueues,
// DtmfBuffer, MediaHandoff) do not lock: every use here holds mutex_.
#include "switch/session/session.hpp"

#include <fmt/format.h>

#include <cstdlib>

#include "core/log_bus.hpp"
#include "core/text/text.hpp"
#include "protocol/escape.hpp"
#include "protocol/header_fields.hpp"
#include "switch/session/execute_on.hpp"
#include "switch/session/hangup_cause.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {

Session::Session(SwitchCore& core, Direction direction, std::string uuid, std::uint64_t session_id,
                 std::unique_ptr<ChannelDriver> driver, CallerProfile profile)
    : core_(core),
      direction_(direction),
      uuid_(std::move(uuid)),
      session_id_(session_id),
      driver_(std::move(driver)),
      strand_(asio::make_strand(core.io())),
      waiter_(std::make_shared<Waiter>(strand_, core.timers(), core.runtime().clock())),
      profiles_(std::move(profile)) {
  std::int64_t now = core_.runtime().clock().now_epoch_us();
  CallerProfile& own = profiles_.own();
  own.inbound = direction == Direction::kInbound;
  own.logical_inbound = own.inbound;
  own.uuid = uuid_;
  own.times.profile_created = now;
  own.times.created = now;
  variables_.set("direction", direction_name());
  variables_.set("uuid", uuid_);
  variables_.set("call_uuid", uuid_);
  variables_.set("session_id", std::to_string(session_id_));
}

Session::~Session() = default;

std::string Session::name() const {
  std::lock_guard lock(mutex_);
  return name_.empty() ? std::string("N/A") : name_;
}

void Session::set_name(std::string_view name) {
  std::lock_guard lock(mutex_);
  name_ = std::string(name);
  profiles_.own().chan_name = name_;
  variables_.set("channel_name", name);
}

// --- states ----------------------------------------------------------------------------

bool Session::set_state(ChannelState target) {
  if (target == ChannelState::kHangup) {
    hangup(cause::kNormalClearing);
    return true;
  }
  {
    std::lock_guard lock(mutex_);
    ChannelState current = state_.load();
    if (current == target) return true;
    if (current >= ChannelState::kHangup && target < current) return false;
    if (!state_change_allowed(current, target)) {
      ES_LOG(core_.runtime().log(), core::LogLevel::kWarning,
             "{} invalid state change from {} to {}", name_, state_name(current),
             state_name(target));
      return false;
    }
    state_.store(target, std::memory_order_release);
  }
  signal();
  notify_watchers();
  return true;
}

CallState Session::call_state() const {
  std::lock_guard lock(mutex_);
  return call_state_;
}

void Session::set_call_state(CallState target) {
  CallState previous;
  {
    std::lock_guard lock(mutex_);
    previous = call_state_;
    if (previous == target || previous == CallState::kHangup) return;
    call_state_ = target;
  }
  if (!wanted(core::EventType::kChannelCallstate)) return;
  core::Event event = create_event(core::EventType::kChannelCallstate);
  event.add_header("Original-Channel-Call-State", call_state_name(previous));
  event.add_header("Channel-Call-State-Number", std::to_string(number(target)));
  add_event_data(event);
  fire_event(std::move(event));
}

bool Session::ready() const {
  ChannelState s = state();
  return hangup_cause() == 0 && s > ChannelState::kRouting && s < ChannelState::kHangup &&
         s != ChannelState::kReset && !transferring.load();
}

void Session::hangup(int cause) {
  if (state() >= ChannelState::kHangup || hangup_requested_.exchange(true)) return;
  if (cause == cause::kNone) cause = cause::kNormalClearing;
  if (SessionPtr peer = bridge_peer()) {
    peer->set_variable("last_bridge_hangup_cause", cause_name(cause));
    set_variable("last_bridge_role", outbound() ? "originatee" : "originator");
  }
  // The event is built and fired before the hangup is visible, as FreeSWITCH's requesting
  // thread fires it before the session thread can notice.
  if (wanted(core::EventType::kChannelHangup)) {
    core::Event event = create_event(core::EventType::kChannelHangup);
    add_event_data(event, true, ChannelState::kHangup, cause);
    fire_event(std::move(event));
  }
  std::vector<std::function<void()>> callbacks;
  {
    std::lock_guard lock(mutex_);
    hangup_cause_.store(cause, std::memory_order_release);
    state_.store(ChannelState::kHangup, std::memory_order_release);
    callbacks.swap(hangup_callbacks_);
  }
  signal();
  notify_watchers();
  for (auto& callback : callbacks) callback();
}

std::shared_ptr<void> Session::attach(const std::function<void()>& on_hangup,
                                      const std::function<void()>& on_reported) {
  bool already_down = false;
  bool already_reported = false;
  {
    std::lock_guard lock(mutex_);
    already_down = state_.load() >= ChannelState::kHangup;
    already_reported = reported_;
    if (!already_down && on_hangup) hangup_callbacks_.push_back(on_hangup);
    if (!already_reported && on_reported) reported_callbacks_.push_back(on_reported);
    holders_.fetch_add(1);
  }
  if (already_down && on_hangup) on_hangup();
  if (already_reported && on_reported) on_reported();
  // The handle owns a reference: the session object outlives its holders.
  auto self = shared_from_this();
  return std::shared_ptr<void>(static_cast<void*>(self.get()), [self](void*) {
    self->holders_.fetch_sub(1);
    self->signal();
  });
}

void Session::notify_reported() {
  std::vector<std::function<void()>> callbacks;
  {
    std::lock_guard lock(mutex_);
    if (reported_) return;
    reported_ = true;
    callbacks.swap(reported_callbacks_);
  }
  for (auto& callback : callbacks) callback();
}

// --- ring / early / answer -------------------------------------------------------------

// The three marks share FreeSWITCH's steps: first time only, refused once hung up; the time
// recorded, the event fired, then the call state changed (so the event shows the old one).
bool Session::mark_progress(std::atomic<bool>& flag, std::int64_t ChannelTimes::*moment,
                            std::string_view disposition, core::EventType type,
                            CallState call_state, bool* first) {
  if (hangup_cause() || !up()) return false;
  if (flag.exchange(true)) return true;
  *first = true;
  if (!disposition.empty()) set_variable("endpoint_disposition", disposition);
  std::int64_t now = core_.runtime().clock().now_epoch_us();
  update_profile([&](CallerProfile& p) { p.times.*moment = now; });
  fire(type);
  set_call_state(call_state);
  notify_watchers();
  return true;
}

// Each first mark runs its execute_on_* / api_on_* variables after the event, in
// switch_channel.c's order.
bool Session::mark_ring_ready() {
  bool first = false;
  bool ok = mark_progress(ring_ready_, &ChannelTimes::progress, {},
                          core::EventType::kChannelProgress, CallState::kRinging, &first);
  if (first) {
    execute_on(*this, "execute_on_ring");
    api_on(*this, "api_on_ring");
  }
  return ok;
}

bool Session::mark_pre_answered() {
  bool first = false;
  bool ok = mark_progress(early_, &ChannelTimes::progress_media, "EARLY MEDIA",
                          core::EventType::kChannelProgressMedia, CallState::kEarly, &first);
  if (first) {
    execute_on(*this, "execute_on_pre_answer");
    execute_on(*this, "execute_on_media");
    api_on(*this, "api_on_pre_answer");
    api_on(*this, "api_on_media");
  }
  return ok;
}

bool Session::mark_answered() {
  const bool had_media = early_media();
  bool first = false;
  bool ok = mark_progress(answered_, &ChannelTimes::answered, "ANSWER",
                          core::EventType::kChannelAnswer, CallState::kActive, &first);
  if (first) {
    execute_on(*this, "execute_on_answer");
    if (!had_media) {
      execute_on(*this, "execute_on_media");
      api_on(*this, "api_on_media");
    }
    api_on(*this, "api_on_answer");
  }
  signal();
  return ok;
}

bool Session::ring_ready() {
  if (hangup_cause() || !up()) return false;
  if (ring_ready_marked() || answered() || early_media()) return true;
  if (!outbound() && !driver_->on_ring_ready(*this)) return false;
  return mark_ring_ready();
}

bool Session::pre_answer() {
  if (hangup_cause() || !up()) return false;
  if (answered() || early_media()) return true;
  if (!outbound() && !driver_->on_pre_answer(*this)) return false;
  return mark_pre_answered();
}

bool Session::answer() {
  if (hangup_cause() || !up()) return false;
  if (answered()) return true;
  // Outbound legs are answered by their far end.
  if (outbound()) return true;
  if (!driver_->on_answer(*this)) return false;
  return mark_answered();
}

// --- variables ---------------------------------------------------------------------------

std::optional<std::string> Session::variable(std::string_view name) const {
  std::lock_guard lock(mutex_);
  if (const std::string* v = variables_.find(name)) return *v;
  return std::nullopt;
}

std::optional<std::string> Session::lookup(std::string_view name, int index,
                                           bool with_globals) const {
  std::optional<std::string> found;
  {
    std::lock_guard lock(mutex_);
    if (const std::string* v = variables_.lookup(name)) {
      found = *v;
    } else {
      found = profiles_.field(name, outbound());
    }
  }
  if (!found && with_globals) found = core_.runtime().globals().get(name);
  if (found && index >= 0) {
    auto elements = array_elements(*found);
    if (static_cast<std::size_t>(index) >= elements.size()) return std::nullopt;
    return elements[static_cast<std::size_t>(index)];
  }
  return found;
}

bool Session::variable_name_allowed(std::string_view name) const {
  if (protocol::valid_header_name(name)) return true;
  // Every variable is a header of this channel's events ("variable_<name>").
  core_.runtime().log().log(static_cast<int>(core::LogLevel::kWarning), __FILE__, __func__,
                            __LINE__,
                            fmt::format("refused channel variable named [{}]: not a valid "
                                        "header name",
                                        protocol::url_encode(name)),
                            uuid_);
  return false;
}

void Session::set_variable(std::string_view name, std::string_view value) {
  if (!variable_name_allowed(name)) return;
  std::lock_guard lock(mutex_);
  variables_.set(name, value);
}

void Session::push_variable(std::string_view name, std::string_view value, bool front) {
  if (!variable_name_allowed(name)) return;
  std::lock_guard lock(mutex_);
  variables_.push(name, value, front);
}

bool Session::variable_true(std::string_view name) const {
  auto v = variable(name);
  return v && text::switch_true(*v);
}

std::vector<std::pair<std::string, std::string>> Session::variables() const {
  std::lock_guard lock(mutex_);
  return variables_.list();
}

std::string Session::expand(std::string_view text) const {
  if (text.find('$') == std::string_view::npos) return std::string(text);
  core::ExpansionScope scope;
  scope.channel_mode = true;
  scope.lookup = [this](std::string_view name, int index) { return lookup(name, index); };
  core::ApiContext context;
  context.session_uuid = uuid_;
  context.rules = access_rules();
  scope.api = core_.runtime().api().expansion_caller(context);
  scope.api_enabled = core_.runtime().settings().api_expansion.load();
  scope.log = &core_.runtime().log();
  scope.session_uuid = uuid_;
  return core::expand_variables(text, core_.runtime().globals(), scope);
}

void Session::confine(const core::AccessRules& rules) {
  if (rules.empty()) return;
  std::lock_guard lock(mutex_);
  rules_.add(rules);
}

core::AccessRules Session::access_rules() const {
  std::lock_guard lock(mutex_);
  return rules_;
}

bool Session::may_use_file(std::string_view path, std::string_view what) const {
  const core::AccessRules rules = access_rules();
  const core::AccessPolicy* refusing = rules.refuses_file(path);
  if (!refusing) return true;
  ES_LOG(core_.runtime().log(), core::LogLevel::kErr,
         "{}: {} [{}] refused: outside the directories allowed to {}", uuid_, what, path,
         refusing->who);
  return false;
}

CallerProfile Session::profile() const {
  std::lock_guard lock(mutex_);
  return profiles_.own();
}

void Session::update_profile(const std::function<void(CallerProfile&)>& change) {
  std::lock_guard lock(mutex_);
  change(profiles_.own());
}

void Session::set_other_leg(std::string_view type, const CallerProfile& profile) {
  std::lock_guard lock(mutex_);
  profiles_.set_other(type, profile);
}

void Session::push_scope(std::vector<std::pair<std::string, std::string>> vars) {
  std::erase_if(vars, [this](const auto& var) { return !variable_name_allowed(var.first); });
  std::lock_guard lock(mutex_);
  variables_.push_scope(std::move(vars));
}

void Session::pop_scope() {
  std::lock_guard lock(mutex_);
  variables_.pop_scope();
}

// --- extension ---------------------------------------------------------------------------

void Session::set_extension(Extension extension) {
  std::lock_guard lock(mutex_);
  extension_ = std::move(extension);
}

void Session::queue_extension(Extension extension) {
  std::lock_guard lock(mutex_);
  queued_extension_ = std::move(extension);
}

bool Session::transfer(std::string_view exten, std::string_view dialplan,
                       std::string_view context) {
  if (!up()) return false;
  int forwards = 70;
  auto max = variable("max_session_transfers");
  if (!max) max = variable("max_forwards");
  if (max) forwards = std::atoi(max->c_str());
  forwards -= 1;
  if (forwards <= 0) {
    hangup(cause::kExchangeRoutingError);
    return false;
  }
  set_variable(variable("max_session_transfers") ? "max_session_transfers" : "max_forwards",
               std::to_string(forwards));
  CallerProfile old = profile();
  std::string use_dialplan(dialplan);
  if (use_dialplan.empty()) {
    if (auto forced = variable("force_transfer_dialplan"))
      use_dialplan = *forced;
    else if (!old.dialplan.empty() && !core::header_name_equals(old.dialplan, "inline"))
      use_dialplan = old.dialplan;
    else
      use_dialplan = "XML";
  }
  std::string use_context(context);
  if (use_context.empty()) {
    if (auto forced = variable("force_transfer_context"))
      use_context = *forced;
    else if (!old.context.empty())
      use_context = old.context;
    else
      use_context = "default";
  }
  std::string use_exten = exten.empty() ? std::string("service") : std::string(exten);
  std::int64_t now = core_.runtime().clock().now_epoch_us();
  update_profile([&](CallerProfile& p) {
    p.rdnis = p.destination_number;
    p.destination_number = use_exten;
    p.dialplan = use_dialplan;
    p.context = use_context;
    p.profile_index += 1;
    p.times.transferred = now;
  });
  std::string source = fmt::format("{}:{}:bl_xfer:{}/{}/{}", now / 1000000, old.uuid, use_exten,
                                   use_context, use_dialplan);
  push_variable("transfer_history", source);
  set_variable("transfer_source", source);
  transferring = true;
  parked = false;
  std::uint64_t begun = 0;
  {
    std::lock_guard lock(mutex_);
    extension_.reset();
    begun = executions_begun_;
  }
  // The state comes first, before the bridge partner is hung up: a leg still in
  // CS_EXCHANGE_MEDIA when its bridge ends is hung up with its partner, and this one is
  // leaving. The break then stops what runs now (park, playback), unless the session thread
  // already began the new extension's first application: that one must not inherit it (a
  // playback stopped after one frame).
  bool ok = set_state(ChannelState::kRouting);
  if (SessionPtr peer = bridge_peer()) {
    set_bridge_peer(nullptr);
    peer->set_bridge_peer(nullptr);
    peer->hangup(cause::kBlindTransfer);
  }
  {
    std::lock_guard lock(mutex_);
    if (executions_begun_ == begun) break_requested = true;
  }
  signal();
  return ok;
}

// --- queues ------------------------------------------------------------------------------

bool Session::queue_command(core::Event command) {
  {
    std::lock_guard lock(mutex_);
    if (!queues_.push_command(std::move(command))) return false;
  }
  signal();
  return true;
}

bool Session::queue_event(core::Event event) {
  SessionQueues::EventSink sink;
  {
    std::lock_guard lock(mutex_);
    sink = queues_.event_sink();
  }
  if (sink && state() < ChannelState::kHangup && sink(event)) return true;
  {
    std::lock_guard lock(mutex_);
    if (!queues_.push_event(std::move(event))) return false;
  }
  signal();
  return true;
}

void Session::set_event_divert(const std::function<bool(core::Event&)>& sink) {
  std::deque<core::Event> waiting;
  {
    std::lock_guard lock(mutex_);
    waiting = queues_.set_event_sink(sink);
  }
  if (waiting.empty()) return;
  // Offer what was queued before, in order; whatever the sink refuses goes back in front.
  std::deque<core::Event> refused;
  for (auto& event : waiting) {
    if (state() >= ChannelState::kHangup || !sink(event)) refused.push_back(std::move(event));
  }
  if (refused.empty()) return;
  {
    std::lock_guard lock(mutex_);
    queues_.requeue_front(std::move(refused));
  }
  signal();
}

std::optional<core::Event> Session::dequeue_event() {
  std::lock_guard lock(mutex_);
  return queues_.pop_event();
}

std::size_t Session::queued_commands() const {
  std::lock_guard lock(mutex_);
  return queues_.command_count();
}

void Session::flush_commands() {
  std::lock_guard lock(mutex_);
  queues_.clear_commands();
}

// --- DTMF ----------------------------------------------------------------------------------

void Session::set_bridge_terminate_keys(std::string keys) {
  std::lock_guard lock(mutex_);
  bridge_terminate_keys_ = std::move(keys);
}

void Session::receive_dtmf(const Dtmf& dtmf) {
  if (SessionPtr peer = bridge_peer()) {
    if (wanted(core::EventType::kDtmf)) fire_dtmf_event(dtmf);
    bool terminates = false;
    {
      std::lock_guard lock(mutex_);
      terminates = dtmf.digit && bridge_terminate_keys_.find(dtmf.digit) != std::string::npos;
    }
    if (terminates) {  // as mod_dptools' bridge_on_dtmf: the digit does not cross
      bridge_end_requested = true;
      signal();
      peer->signal();
      return;
    }
    peer->send_dtmf(dtmf);
    return;
  }
  {
    std::lock_guard lock(mutex_);
    dtmf_.push(dtmf);
  }
  signal();
}

void Session::send_dtmf(const Dtmf& dtmf) {
  driver_->send_dtmf(*this, dtmf);
}

std::optional<Dtmf> Session::dequeue_dtmf() {
  std::optional<Dtmf> dtmf;
  {
    std::lock_guard lock(mutex_);
    dtmf = dtmf_.pop();
  }
  if (dtmf && wanted(core::EventType::kDtmf)) fire_dtmf_event(*dtmf);
  return dtmf;
}

void Session::fire_dtmf_event(const Dtmf& dtmf) {
  core::Event event = create_event(core::EventType::kDtmf);
  add_event_data(event, false);
  event.add_header("DTMF-Digit", std::string(1, dtmf.digit));
  event.add_header("DTMF-Duration", std::to_string(std::int64_t{dtmf.duration_ms} * 8));
  event.add_header("DTMF-Source", dtmf.source);
  fire_event(std::move(event));
}

bool Session::has_dtmf() const {
  std::lock_guard lock(mutex_);
  return !dtmf_.empty();
}

void Session::flush_dtmf() {
  std::lock_guard lock(mutex_);
  dtmf_.clear();
}

// --- media ---------------------------------------------------------------------------------

void Session::receive_frame(const media::Frame& frame) {
  MediaHandoff::NestingGuard nesting;
  if (nesting.too_deep()) return;
  std::vector<std::shared_ptr<FrameConsumer>> consumers;
  std::vector<std::shared_ptr<FrameFilter>> filters;
  SessionPtr peer;
  {
    std::lock_guard lock(mutex_);
    consumers = media_.consumers();
    filters = media_.filters();
    peer = bridge_peer_.lock();
  }
  // Copied only when something may change it: most frames pass untouched.
  std::optional<media::Frame> changed;
  if (!filters.empty()) {
    changed = frame;
    for (auto& f : filters) {
      if (!f->filter_read(*changed)) remove_frame_filter(f.get());
    }
  }
  const media::Frame& heard = changed ? *changed : frame;
  for (auto& c : consumers) c->consume(heard);
  if (peer) {
    peer->write_frame(heard);
  } else if (media_.echo()) {
    write_frame(heard);
  }
}

void Session::write_frame(const media::Frame& frame) {
  if (!up()) return;
  std::vector<std::shared_ptr<FrameConsumer>> taps;
  std::vector<std::shared_ptr<FrameFilter>> filters;
  {
    std::lock_guard lock(mutex_);
    taps = media_.write_consumers();
    filters = media_.filters();
  }
  std::optional<media::Frame> changed;
  if (!filters.empty()) {
    changed = frame;
    for (auto& f : filters) {
      if (!f->filter_write(*changed)) remove_frame_filter(f.get());
    }
  }
  const media::Frame& sent = changed ? *changed : frame;
  for (auto& t : taps) t->consume_written(sent);
  driver_->write_frame(*this, sent);
}

void Session::add_frame_consumer(std::shared_ptr<FrameConsumer> consumer, bool written) {
  std::lock_guard lock(mutex_);
  media_.add_consumer(std::move(consumer), written);
}

void Session::remove_frame_consumer(const FrameConsumer* consumer) {
  std::lock_guard lock(mutex_);
  media_.remove_consumer(consumer);
}

void Session::add_frame_filter(std::shared_ptr<FrameFilter> filter) {
  std::lock_guard lock(mutex_);
  media_.add_filter(std::move(filter));
}

void Session::remove_frame_filter(const FrameFilter* filter) {
  std::lock_guard lock(mutex_);
  media_.remove_filter(filter);
}

// --- bridge --------------------------------------------------------------------------------

std::string Session::partner_uuid() const {
  std::lock_guard lock(mutex_);
  return partner_uuid_;
}

SessionPtr Session::bridge_peer() const {
  std::lock_guard lock(mutex_);
  return bridge_peer_.lock();
}

void Session::set_bridge_peer(const SessionPtr& peer) {
  std::lock_guard lock(mutex_);
  bridge_peer_ = peer;
  partner_uuid_ = peer ? peer->uuid() : std::string();
}

// --- waiting -------------------------------------------------------------------------------

std::int64_t Session::now_monotonic_us() const {
  return core_.runtime().clock().now_monotonic_us();
}

asio::awaitable<void> Session::sleep_ms(std::int64_t ms, const std::function<bool()>& stop) {
  std::int64_t deadline = waiter_->deadline_after_ms(ms);
  while (ready() && now_monotonic_us() < deadline) {
    co_await process_commands();
    if (stop && stop()) co_return;
    if (!ready() || break_requested.load()) co_return;
    core_.running_sessions.fetch_sub(1);
    co_await wait_until(deadline);
    core_.running_sessions.fetch_add(1);
  }
}

void Session::add_watcher(std::weak_ptr<Waiter> watcher) {
  std::lock_guard lock(mutex_);
  watchers_.push_back(std::move(watcher));
}

void Session::notify_watchers() {
  std::vector<std::weak_ptr<Waiter>> watchers;
  {
    std::lock_guard lock(mutex_);
    watchers = watchers_;
  }
  for (auto& w : watchers) {
    if (auto waiter = w.lock()) waiter->signal();
  }
}

}  // namespace es::sw
