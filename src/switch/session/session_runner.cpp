// The session "thread": FreeSWITCH's state machine as a coroutine on the session strand, with
// application execution, the sendmsg executor and the park loop (docs/call-behaviour.md §2,
// §11-13; the events it fires: docs/event-formats.md §7).
#include <fmt/format.h>

#include "core/log_bus.hpp"
#include "core/saturating.hpp"
#include "core/spawn.hpp"
#include "core/text/text.hpp"
#include "core/uuid.hpp"
#include "protocol/ascii.hpp"
#include "switch/cdr_writer.hpp"
#include "switch/routing.hpp"
#include "switch/session/hangup_cause.hpp"
#include "switch/session/session.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {

using core::EventType;

namespace {

// Counts a session as running (not waiting) for simulated time's settle step.
struct RunningMark {
  explicit RunningMark(std::atomic<int>& counter) : counter_(counter) { counter_.fetch_add(1); }
  ~RunningMark() { counter_.fetch_sub(1); }
  std::atomic<int>& counter_;
};

// "%[a=1,b=2]rest" (or "%<delim>[...]rest"): scoped variables and the remaining argument.
bool split_scope_prefix(std::string_view text,
                        std::vector<std::pair<std::string, std::string>>& vars, std::string& rest) {
  if (text.size() < 3 || text[0] != '%') return false;
  char delim = ',';
  std::size_t open = 1;
  if (text[1] != '[') {
    if (text[2] != '[') return false;
    delim = text[1];
    open = 2;
  }
  std::size_t close = text.find(']', open);
  if (close == std::string_view::npos) return false;
  std::string_view inner = text.substr(open + 1, close - open - 1);
  while (!inner.empty()) {
    std::size_t end = inner.find(delim);
    std::string_view item = inner.substr(0, end);
    std::size_t eq = item.find('=');
    if (eq != std::string_view::npos)
      vars.emplace_back(std::string(item.substr(0, eq)), std::string(item.substr(eq + 1)));
    if (end == std::string_view::npos) break;
    inner.remove_prefix(end + 1);
  }
  rest = std::string(text.substr(close + 1));
  return true;
}

}  // namespace

void Session::start() {
  start_run(false);
}

// A state machine that throws hangs the call up with CRASH and runs again, to take it through
// HANGUP, REPORTING and DESTROY; if that run throws as well, the session is destroyed at once.
// Either way its max_sessions slot is freed.
void Session::start_run(bool after_crash) {
  core::spawn_guarded(
      core_.runtime().log(), strand_,
      after_crash ? "session state machine (after a crash)" : "session state machine",
      [self = shared_from_this()]() { return self->run(); },
      [weak = weak_from_this(), after_crash](const std::exception_ptr&) {
        auto self = weak.lock();
        if (!self) return;
        if (after_crash) {
          self->destroy_now();
          return;
        }
        self->hangup(cause::kCrash);
        self->start_run(true);
      });
}

void Session::destroy_now() {
  if (running_state() == ChannelState::kDestroy) return;
  notify_reported();
  state_.store(ChannelState::kDestroy, std::memory_order_release);
  fire(EventType::kChannelDestroy);
  running_state_.store(ChannelState::kDestroy, std::memory_order_release);
  fire_state_event();
  core_.remove(*this);
}

void Session::set_running_state(ChannelState state) {
  running_state_.store(state, std::memory_order_release);
  if (!outbound() && state < ChannelState::kHangup) {
    CallState current = call_state();
    if (state == ChannelState::kRouting) {
      set_call_state(CallState::kRinging);
    } else if (answered()) {
      set_call_state(CallState::kActive);
    } else if (early_media()) {
      set_call_state(CallState::kEarly);
    } else if (current == CallState::kUnheld) {
      set_call_state(CallState::kActive);
    }
  }
  fire_state_event();
}

asio::awaitable<void> Session::run() {
  auto self = shared_from_this();
  RunningMark running(core_.running_sessions);
  for (;;) {
    ChannelState state = this->state();
    if (state == ChannelState::kDestroy) break;
    if (state != running_state() || state >= ChannelState::kHangup) {
      set_running_state(state);
      co_await run_state(state);
      if (this->state() != state) continue;
    }
    // Idle in this state: serve queued commands, then sleep until something happens.
    co_await process_commands();
    if (this->state() != state || state >= ChannelState::kHangup) continue;
    core_.running_sessions.fetch_sub(1);
    co_await wait_until(-1);
    core_.running_sessions.fetch_add(1);
  }
  // A controlling listener keeps the session until it lets go (linger, the outbound socket).
  notify_reported();
  while (holders_.load() > 0) {
    core_.running_sessions.fetch_sub(1);
    co_await wait_until(-1);
    core_.running_sessions.fetch_add(1);
  }
  // Destruction: CHANNEL_DESTROY still shows the reporting state, then the last CHANNEL_STATE.
  destroy_now();
}

asio::awaitable<void> Session::run_state(ChannelState state) {
  switch (state) {
    case ChannelState::kInit:
      driver_->on_init(*this);
      if (this->state() == ChannelState::kInit) set_state(ChannelState::kRouting);
      fire(EventType::kChannelCreate);
      if (outbound()) fire(EventType::kChannelOriginate);
      break;
    case ChannelState::kRouting:
      co_await on_routing();
      break;
    case ChannelState::kExecute:
      co_await on_execute();
      break;
    case ChannelState::kConsumeMedia:
      co_await driver_->on_consume_media(*this);
      break;
    case ChannelState::kPark:
      co_await park();
      break;
    case ChannelState::kHangup:
      on_hangup_state();
      break;
    case ChannelState::kReporting: {
      // As FreeSWITCH: the CDR modules' reporting handlers, then api_reporting_hook, then
      // CHANNEL_HANGUP_COMPLETE.
      if (core_.cdr_writer) core_.cdr_writer->record(*this);
      if (auto hook = variable("api_reporting_hook")) run_api_hook(*hook);
      if (!wanted(EventType::kChannelHangupComplete)) {
        state_.store(ChannelState::kDestroy, std::memory_order_release);
        break;
      }
      core::Event event = create_event(EventType::kChannelHangupComplete);
      event.add_header("Hangup-Cause", cause_name(hangup_cause()));
      add_event_data(event);
      fire_event(std::move(event));
      state_.store(ChannelState::kDestroy, std::memory_order_release);
      break;
    }
    default:
      break;
  }
}

asio::awaitable<void> Session::on_routing() {
  if (!variable("call_uuid")) set_variable("call_uuid", uuid_);
  transferring = false;
  if (originate_hold.load()) {
    set_state(ChannelState::kConsumeMedia);
    co_return;
  }
  std::optional<Extension> queued;
  {
    std::lock_guard lock(mutex_);
    queued.swap(queued_extension_);
  }
  if (queued) {
    set_extension(std::move(*queued));
    set_state(ChannelState::kExecute);
    co_return;
  }
  RoutingOutcome outcome = hunt_dialplans(*this);
  if (outcome.extension) {
    hit_dialplan = true;
    set_extension(std::move(*outcome.extension));
    set_state(ChannelState::kExecute);
    co_return;
  }
  if (!up()) co_return;
  if (!outcome.any_dialplan && outbound() && !answered()) {
    set_state(ChannelState::kConsumeMedia);
    co_return;
  }
  ES_LOG(core_.runtime().log(), core::LogLevel::kWarning, "No Route, Aborting");
  hangup(cause::kNoRouteDestination);
}

asio::awaitable<void> Session::on_execute() {
  if (!variable("call_uuid")) set_variable("call_uuid", uuid_);
  std::optional<Extension> extension;
  {
    std::lock_guard lock(mutex_);
    extension = extension_;
  }
  if (extension) {
    for (const auto& action : extension->actions) {
      if (state() != ChannelState::kExecute) break;
      co_await execute_application(action.application, action.data);
    }
  }
  if (ready() && state() == ChannelState::kExecute) {
    ES_LOG(core_.runtime().log(), core::LogLevel::kNotice,
           "{} has executed the last dialplan instruction, hanging up.", name());
    hangup(cause::kNormalClearing);
  }
}

void Session::on_hangup_state() {
  std::int64_t now = core_.runtime().clock().now_epoch_us();
  update_profile([&](CallerProfile& p) { p.times.hungup = now; });
  int cause = hangup_cause();
  set_variable("hangup_cause", cause_name(cause));
  set_variable("hangup_cause_q850", std::to_string(cause_q850(cause)));
  set_call_state(CallState::kHangup);
  driver_->on_hangup(*this);
  if (SessionPtr peer = bridge_peer()) peer->signal();
  if (auto hook = variable("api_hangup_hook")) run_api_hook(*hook);
  state_.store(ChannelState::kReporting, std::memory_order_release);
}

void Session::run_api_hook(std::string_view line) {
  core::ApiContext context;
  context.session_uuid = uuid_;
  context.rules = access_rules();
  core_.runtime().api().execute_line(expand(line), context);
}

Session::ExecutionRecord Session::begin_execution(const std::string& app_name,
                                                  std::string_view arg) {
  ExecutionRecord record;
  record.name = app_name;
  if (auto v = variable("app_uuid")) {
    record.app_uuid = *v;
    set_variable("app_uuid", "");
  } else {
    record.app_uuid = core::make_uuid();
  }
  if (auto v = variable("app_uuid_name")) {
    record.app_uuid_name = *v;
    set_variable("app_uuid_name", "");
  }
  bool expand_args = !variable_true("app_disable_expand_variables");
  record.expanded = expand_args ? expand(arg) : std::string(arg);
  if (expand_args) {
    std::vector<std::pair<std::string, std::string>> scope_vars;
    std::string rest;
    if (split_scope_prefix(record.expanded, scope_vars, rest)) {
      push_scope(std::move(scope_vars));
      record.expanded = std::move(rest);
      record.scoped = true;
    }
  }
  ES_LOG(core_.runtime().log(), core::LogLevel::kInfo, "EXECUTE {} {}({})", name(), app_name,
         record.expanded);
  set_variable("current_application", app_name);
  set_variable("current_application_data", record.expanded);
  set_variable("current_application_response", "");

  if (wanted(EventType::kChannelExecute)) {
    core::Event started = create_event(EventType::kChannelExecute);
    add_event_data(started);
    started.add_header("Application", app_name);
    started.add_header("Application-Data", record.expanded);
    started.add_header("Application-UUID", record.app_uuid);
    started.add_header("Application-UUID-Name", record.app_uuid_name);
    fire_event(std::move(started));
  }
  {
    // Under the lock transfer() takes to decide on its break (see there).
    std::lock_guard lock(mutex_);
    ++executions_begun_;
    break_requested = false;
    if (app_log_.size() < kMaxAppLogEntries) {
      app_log_.push_back({app_name, record.expanded, core_.runtime().clock().now_epoch_us()});
    }
  }
  return record;
}

void Session::end_execution(const ExecutionRecord& record) {
  if (!wanted(EventType::kChannelExecuteComplete)) {
    if (record.scoped) pop_scope();
    return;
  }
  core::Event done = create_event(EventType::kChannelExecuteComplete);
  add_event_data(done);
  auto response = variable("current_application_response");
  done.add_header("Application", record.name);
  done.add_header("Application-Data", record.expanded);
  done.add_header("Application-Response", response ? *response : std::string("_none_"));
  done.add_header("Application-UUID", record.app_uuid);
  done.add_header("Application-UUID-Name", record.app_uuid_name);
  fire_event(std::move(done));
  if (record.scoped) pop_scope();
}

bool Session::application_allowed(std::string_view app) const {
  const core::AccessRules rules = access_rules();
  const core::AccessPolicy* refusing = rules.refuses_application(app);
  if (!refusing) return true;
  ES_LOG(core_.runtime().log(), core::LogLevel::kErr,
         "{}: application {} refused: it reaches outside the call, which {} may not", uuid_, app,
         refusing->who);
  return false;
}

asio::awaitable<bool> Session::execute_application(std::string app, std::string arg) {
  auto def = core_.applications().find(app);
  if (!def) {
    ES_LOG(core_.runtime().log(), core::LogLevel::kErr, "Invalid Application {}", app);
    hangup(cause::kDestinationOutOfOrder);
    co_return false;
  }
  if (!def->flags.zombie && !up()) co_return false;
  if (!application_allowed(def->name)) co_return false;
  if (!def->flags.no_media && !outbound() && !answered() && !early_media()) pre_answer();
  ExecutionRecord record = begin_execution(def->name, arg);
  // An application that throws hangs its call up with CRASH; the execution still completes.
  std::exception_ptr failure;
  try {
    if (def->sync) {
      def->sync(*this, record.expanded);
    } else {
      co_await def->function(*this, record.expanded);
    }
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    ES_LOG(core_.runtime().log(), core::LogLevel::kErr, "{} application {} failed: {}", name(),
           def->name, core::exception_text(failure));
    hangup(cause::kCrash);
  }
  end_execution(record);
  co_return !failure;
}

bool Session::execute_application_now(std::string_view app, std::string_view arg) {
  auto def = core_.applications().find(app);
  if (!def || !def->sync) return false;
  if (!def->flags.zombie && !up()) return false;
  if (!application_allowed(def->name)) return false;
  ExecutionRecord record = begin_execution(def->name, arg);
  def->sync(*this, record.expanded);
  end_execution(record);
  return true;
}

asio::awaitable<void> Session::process_commands() {
  while (!event_lock.load()) {
    std::optional<core::Event> command;
    {
      std::lock_guard lock(mutex_);
      command = queues_.pop_command();
    }
    if (!command) break;
    co_await execute_command(std::move(*command));
  }
}

asio::awaitable<void> Session::execute_command(core::Event command) {
  auto header = [&](std::string_view name) -> std::string {
    const std::string* v = command.header(name);
    return v ? *v : std::string();
  };
  std::string call_command = protocol::to_lower(header("call-command"));
  bool lock = text::switch_true(command.header("event-lock"));
  bool was_locked = event_lock.load();
  if (lock) event_lock = true;

  if (call_command == "execute") {
    std::string app = header("execute-app-name");
    std::string arg = header("execute-app-arg");
    if (arg.empty() && command.has_body()) {
      std::string type = header("content-type");
      if (type.empty() || core::header_name_equals(type, "text/plain")) arg = command.body();
    }
    int loops = 1;
    if (std::string l = header("loops"); !l.empty()) loops = std::atoi(l.c_str());
    if (!app.empty()) {
      if (loops != 1) set_variable("total_loops", std::to_string(loops));
      for (int i = 0; loops < 0 || i < loops; ++i) {
        if (std::string id = header("event-uuid"); !id.empty()) set_variable("app_uuid", id);
        if (std::string n = header("event-uuid-name"); !n.empty()) set_variable("app_uuid_name", n);
        if (loops != 1) set_variable("current_loop", std::to_string(i + 1));
        std::int64_t started = now_monotonic_us();
        bool ok = co_await execute_application(app, arg);
        if (!ok || !ready()) break;
        if (loops != 1 && now_monotonic_us() - started < 500000) break;
      }
      if (loops != 1) {
        set_variable("current_loop", "");
        set_variable("total_loops", "");
      }
    }
  } else if (call_command == "hangup") {
    hangup(cause_from_string(header("hangup-cause")));
  } else if (call_command == "xferext") {
    Extension extension;
    extension.name = "xferext";
    extension.number = "xferext";
    for (const auto& h : command.headers()) {
      if (!core::header_name_equals(h.name, "application")) continue;
      std::string_view value = h.value;
      std::size_t space = value.find(' ');
      extension.actions.push_back(
          {std::string(value.substr(0, space)),
           space == std::string_view::npos ? std::string() : std::string(value.substr(space + 1))});
    }
    queue_extension(std::move(extension));
    transferring = true;
    parked = false;
    set_state(ChannelState::kRouting);
  }
  // unicast and nomedia change no audio path here (no RTP); they are accepted as commands.

  if (lock) event_lock = was_locked;
  if (!call_command.empty() && wanted(EventType::kPrivateCommand)) {
    core::Event done = std::move(command);
    done.set_type(EventType::kPrivateCommand);
    core_.runtime().events().prepare(done);
    add_event_data(done, false);
    fire_event(std::move(done));
  }
}

asio::awaitable<void> Session::park() {
  if (controlled.load() || state() == ChannelState::kReset) co_return;
  if (auto timeout = variable("park_timeout")) {
    set_variable("park_timeout", "");
    std::string_view spec = *timeout;
    std::size_t colon = spec.find(':');
    std::int64_t seconds = std::atoll(std::string(spec.substr(0, colon)).c_str());
    int cause = colon == std::string_view::npos ? cause::kNormalClearing
                                                : cause_from_string(spec.substr(colon + 1));
    if (seconds > 0) {
      std::weak_ptr<Session> weak = weak_from_this();
      core_.timers().call_at(
          core::saturating_add(now_monotonic_us(), core::saturating_mul(seconds, 1000000)),
          [weak, cause] {
            if (auto s = weak.lock(); s && s->parked.load()) s->hangup(cause);
          });
    }
  }
  controlled = true;
  parked = true;
  ChannelState entered = state();
  fire(EventType::kChannelPark);
  while (ready() && parked.load() && state() == entered) {
    co_await process_commands();
    while (has_dtmf()) dequeue_dtmf();
    // Diverted events never reach this queue (they go to the controlling socket).
    if (auto event = dequeue_event()) {
      add_event_data(*event);
      fire_event(std::move(*event));
    }
    if (!ready() || !parked.load() || state() != entered) break;
    core_.running_sessions.fetch_sub(1);
    co_await wait_until(-1);
    core_.running_sessions.fetch_add(1);
  }
  parked = false;
  controlled = false;
  fire(EventType::kChannelUnpark);
}

}  // namespace es::sw
