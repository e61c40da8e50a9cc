// One call leg: FreeSWITCH's session and channel as one (docs/call-behaviour.md §1-6). Its state
// machine runs as a coroutine on the session's own strand, so a call costs no thread; any
// thread may read it, set variables, queue commands, answer or hang it up.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <asio/strand.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/access_policy.hpp"
#include "core/event.hpp"
#include "switch/dialplan/extension.hpp"
#include "switch/media/frame.hpp"
#include "switch/session/caller_profile.hpp"
#include "switch/session/channel_driver.hpp"
#include "switch/session/channel_state.hpp"
#include "switch/session/channel_variable_store.hpp"
#include "switch/session/dtmf_buffer.hpp"
#include "switch/session/leg_profiles.hpp"
#include "switch/session/media_handoff.hpp"
#include "switch/session/session_queues.hpp"
#include "switch/session/waiter.hpp"

namespace es::sw {

class SwitchCore;
class Session;
using SessionPtr = std::shared_ptr<Session>;

enum class Direction { kInbound, kOutbound };

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(SwitchCore& core, Direction direction, std::string uuid, std::uint64_t session_id,
          std::unique_ptr<ChannelDriver> driver, CallerProfile profile);
  ~Session();

  // --- identity -----------------------------------------------------------------------
  const std::string& uuid() const { return uuid_; }
  std::uint64_t session_id() const { return session_id_; }
  bool outbound() const { return direction_ == Direction::kOutbound; }
  std::string_view direction_name() const { return outbound() ? "outbound" : "inbound"; }
  std::string name() const;
  void set_name(std::string_view name);
  SwitchCore& core() const { return core_; }
  ChannelDriver& driver() { return *driver_; }
  asio::strand<asio::io_context::executor_type>& strand() { return strand_; }

  // --- states (docs/call-behaviour.md §2, §3) -----------------------------------------
  ChannelState state() const { return state_.load(std::memory_order_acquire); }
  ChannelState running_state() const { return running_state_.load(std::memory_order_acquire); }
  // set_state with FreeSWITCH's allowed transitions; wakes the session thread.
  bool set_state(ChannelState target);
  CallState call_state() const;
  void set_call_state(CallState target);
  int hangup_cause() const { return hangup_cause_.load(std::memory_order_acquire); }
  bool up() const { return state() < ChannelState::kHangup; }
  // switch_channel_ready: no cause, ROUTING < state < HANGUP, not RESET, no transfer pending.
  bool ready() const;
  // First request wins: state HANGUP, CHANNEL_HANGUP fired from the caller's thread.
  void hangup(int cause);

  // --- ring / early media / answer (docs/call-behaviour.md §5) -----------------------
  bool answered() const { return answered_.load(std::memory_order_acquire); }
  bool early_media() const { return early_.load(std::memory_order_acquire); }
  bool ring_ready_marked() const { return ring_ready_.load(std::memory_order_acquire); }
  bool mark_ring_ready();
  bool mark_pre_answered();
  bool mark_answered();
  // Requests (the answer/pre_answer/ring_ready applications and API commands).
  bool ring_ready();
  bool pre_answer();
  bool answer();

  // --- variables and profile (docs/call-behaviour.md §6) ------------------------------
  std::optional<std::string> variable(std::string_view name) const;  // channel variables only
  // Full lookup for ${}: scoped, channel, profile fields (aleg_/bleg_), globals (unless
  // `with_globals` is false: what a client confined to this call may read).
  std::optional<std::string> lookup(std::string_view name, int index = -1,
                                    bool with_globals = true) const;
  // A name that is not a valid header name (protocol::valid_header_name) is refused with a
  // logged warning: variables become headers of the channel's events.
  void set_variable(std::string_view name, std::string_view value);
  void push_variable(std::string_view name, std::string_view value, bool front = false);
  bool variable_true(std::string_view name) const;
  std::vector<std::pair<std::string, std::string>> variables() const;
  std::string expand(std::string_view text) const;
  CallerProfile profile() const;
  void update_profile(const std::function<void(CallerProfile&)>& change);
  // The profile of the other leg shown as Other-Leg-* (originator or originatee).
  void set_other_leg(std::string_view type, const CallerProfile& profile);
  // Scoped variables of %[...] application arguments, innermost last.
  void push_scope(std::vector<std::pair<std::string, std::string>> vars);
  void pop_scope();

  // --- access rules (docs/security-rights.md) -----------------------------------------
  // A confined client acted on this call (created it, sent it an application, set its
  // variables): from now on until the call ends, everything it runs obeys that client's
  // policy too (applications, their files, API calls of ${} expansions, legs it bridges
  // to). Sticky on purpose: a transfer or an execute_on_* variable cannot shed it.
  void confine(const core::AccessRules& rules);
  core::AccessRules access_rules() const;
  // Whether the call may read or write `path` (resolved as the file will be opened); logs
  // the refusal naming the client.
  bool may_use_file(std::string_view path, std::string_view what) const;

  // --- events (docs/event-formats.md §5-7) --------------------------------------------
  // A new event of `type` with the standard headers (nothing of the channel yet).
  core::Event create_event(core::EventType type, std::string_view subclass = {}) const;
  // Appends channel data: basic data, caller profile, other leg and, when `extended` (or
  // verbose), variable_* headers.
  void add_event_data(core::Event& event) const;
  void add_event_data(core::Event& event, bool extended) const;
  // create_event + add_event_data + fire.
  void fire(core::EventType type);
  void fire_event(core::Event event);
  // Whether anybody may receive events of `type` (nothing is built for nobody).
  bool wanted(core::EventType type) const;
  // Events carry extended data for these types (docs/event-formats.md §5.3).
  static bool extended_by_default(core::EventType type);

  // --- flags ---------------------------------------------------------------------------
  std::atomic<bool> parked{false};
  std::atomic<bool> controlled{false};
  std::atomic<bool> originate_hold{false};  // held in CONSUME_MEDIA while an originate waits
  std::atomic<bool> hit_dialplan{false};
  std::atomic<bool> transferring{false};
  std::atomic<bool> break_requested{false};
  std::atomic<bool> event_lock{false};  // a locked queued command is running
  std::atomic<bool> verbose_events{false};
  // A digit of this leg's bridge_terminate_key arrived while bridged: the bridge ends.
  std::atomic<bool> bridge_end_requested{false};

  // --- extension and routing ----------------------------------------------------------
  void set_extension(Extension extension);    // CS_EXECUTE will run it
  void queue_extension(Extension extension);  // xferext: bypasses the dialplan on ROUTING
  // transfer (docs/call-behaviour.md §10): new profile, CS_ROUTING.
  bool transfer(std::string_view exten, std::string_view dialplan, std::string_view context);

  // --- queues (docs/call-behaviour.md §12, §13) ---------------------------------------
  bool queue_command(core::Event command);  // sendmsg; false when full
  bool queue_event(core::Event event);      // sendevent with Unique-ID; false when full
  std::optional<core::Event> dequeue_event();
  // divert_events: queued events go to `sink` (SessionControl::set_event_divert).
  void set_event_divert(const std::function<bool(core::Event&)>& sink);
  // Runs queued private commands unless a locked command is running (or force).
  asio::awaitable<void> process_commands();
  std::size_t queued_commands() const;
  void flush_commands();

  // --- DTMF ----------------------------------------------------------------------------
  // A digit arrived from the far end (loopback partner, uuid_recv_dtmf, sim): queued here, or
  // passed on to the bridge partner.
  void receive_dtmf(const Dtmf& dtmf);
  // Sends toward the far end (send_dtmf, uuid_send_dtmf).
  void send_dtmf(const Dtmf& dtmf);
  // Takes the next received digit and fires its DTMF event.
  std::optional<Dtmf> dequeue_dtmf();
  bool has_dtmf() const;
  void flush_dtmf();

  // --- media ---------------------------------------------------------------------------
  // A frame from the far end (what this channel reads).
  void receive_frame(const media::Frame& frame);
  // A frame toward the far end (what this channel writes: playback, echo, a bridge partner).
  void write_frame(const media::Frame& frame);
  // `written`: the consumer also sees what the channel writes (consume_written).
  void add_frame_consumer(std::shared_ptr<FrameConsumer> consumer, bool written = false);
  void remove_frame_consumer(const FrameConsumer* consumer);
  // A filter that has finished (returned false) is removed by the channel itself.
  void add_frame_filter(std::shared_ptr<FrameFilter> filter);
  void remove_frame_filter(const FrameFilter* filter);
  void set_echo(bool on) { media_.set_echo(on); }

  // --- bridge ------------------------------------------------------------------------
  std::string partner_uuid() const;  // bridged peer, or empty
  SessionPtr bridge_peer() const;
  void set_bridge_peer(const SessionPtr& peer);  // null clears
  // The bridge application's bridge_terminate_key, read when the bridge starts ("" clears):
  // a received digit among `keys` ends the bridge instead of crossing to the peer.
  void set_bridge_terminate_keys(std::string keys);

  // --- waiting ---------------------------------------------------------------------------
  void signal() { waiter_->signal(); }
  const std::shared_ptr<Waiter>& waiter() const { return waiter_; }
  // Waits on the session strand until signalled or the deadline (monotonic us; <0: none).
  asio::awaitable<bool> wait_until(std::int64_t deadline_us) {
    return waiter_->wait_until(deadline_us);
  }
  // Sleeps `ms` while processing queued commands; returns early when the channel stops being
  // ready or `stop()` says so.
  asio::awaitable<void> sleep_ms(std::int64_t ms, const std::function<bool()>& stop = {});
  std::int64_t now_monotonic_us() const;

  // --- running ---------------------------------------------------------------------------
  // Starts the state machine (CS_INIT must be set). Holds the session until CS_DESTROY.
  void start();
  // Runs one application with its execution record (docs/call-behaviour.md §11); false when the
  // application is unknown (the channel is then hung up), refused after hangup, or refused
  // by the call's access rules (logged; the call goes on).
  asio::awaitable<bool> execute_application(std::string app, std::string arg);
  // The same for an application with a synchronous function (inline dialplan actions);
  // false when the application is unknown or has none.
  bool execute_application_now(std::string_view app, std::string_view arg);
  // The access rules allow `app` on this call (a refusal is logged).
  bool application_allowed(std::string_view app) const;
  // Runs a "sendmsg"-style command packet (docs/call-behaviour.md §12) and fires PRIVATE_COMMAND.
  asio::awaitable<void> execute_command(core::Event command);

  // These handle frames, DTMF and commands while a session is parked (docs/call-behaviour.md §13).
  asio::awaitable<void> park();

  // --- call detail records (docs/cdr.md) ------------------------------------------------
  struct AppLogEntry {
    std::string app;
    std::string arg;
    std::int64_t stamp_us = 0;  // when it began, microseconds since the epoch
  };
  // FreeSWITCH's app log is unbounded; ours keeps the first kMaxAppLogEntries applications of a
  // call (a looping call would otherwise grow it for ever) and records no more.
  static constexpr std::size_t kMaxAppLogEntries = 1000;
  std::vector<AppLogEntry> app_log() const;
  // The other leg's profile shown as Other-Leg-*, with its type ("originator"/"originatee").
  std::optional<std::pair<std::string, CallerProfile>> other_leg() const;
  // The extension CS_EXECUTE runs (or ran), if any.
  std::optional<Extension> extension() const;

  // --- holders and watchers ----------------------------------------------------------------
  // A controlling listener: keeps the session from being destroyed until the returned handle
  // is dropped; `on_hangup` runs once after CHANNEL_HANGUP, `on_reported` once after
  // CHANNEL_HANGUP_COMPLETE (each immediately if that point is already passed).
  std::shared_ptr<void> attach(const std::function<void()>& on_hangup,
                               const std::function<void()>& on_reported);
  // Woken when this leg progresses or hangs up (an originate waiting for it).
  void add_watcher(std::weak_ptr<Waiter> watcher);

 private:
  // False, with a warning logged, for a name set_variable refuses.
  bool variable_name_allowed(std::string_view name) const;
  asio::awaitable<void> run();
  // run() under the exception policy; after a crash, a second crash destroys the session.
  void start_run(bool after_crash);
  // The end of run() without the state machine: CHANNEL_DESTROY and out of the table.
  void destroy_now();
  void set_running_state(ChannelState state);
  asio::awaitable<void> run_state(ChannelState state);
  asio::awaitable<void> on_routing();
  asio::awaitable<void> on_execute();
  void on_hangup_state();
  // api_hangup_hook / api_reporting_hook: "<api> <args>", expanded, run as this call.
  void run_api_hook(std::string_view line);
  void fire_state_event();
  // `state`/`cause` stand in for the channel's own (CHANNEL_HANGUP is built before the hangup
  // becomes visible, so the session thread cannot react before the event is out).
  void add_basic_data(core::Event& event, ChannelState state, int cause) const;
  void add_event_data(core::Event& event, bool extended, ChannelState state, int cause) const;
  void notify_watchers();
  bool mark_progress(std::atomic<bool>& flag, std::int64_t ChannelTimes::*moment,
                     std::string_view disposition, core::EventType type, CallState call_state,
                     bool* first);
  struct ExecutionRecord {
    std::string name;
    std::string expanded;
    std::string app_uuid;
    std::string app_uuid_name;
    bool scoped = false;
  };
  ExecutionRecord begin_execution(const std::string& app_name, std::string_view arg);
  void end_execution(const ExecutionRecord& record);
  // DTMF with the digit's headers (the caller checked that somebody wants it).
  void fire_dtmf_event(const Dtmf& dtmf);

  SwitchCore& core_;
  const Direction direction_;
  std::string uuid_;
  const std::uint64_t session_id_;
  std::unique_ptr<ChannelDriver> driver_;
  asio::strand<asio::io_context::executor_type> strand_;
  std::shared_ptr<Waiter> waiter_;

  std::atomic<ChannelState> state_{ChannelState::kNew};
  std::atomic<ChannelState> running_state_{ChannelState::kNone};
  std::atomic<int> hangup_cause_{0};
  std::atomic<bool> hangup_requested_{false};
  std::atomic<bool> answered_{false};
  std::atomic<bool> early_{false};
  std::atomic<bool> ring_ready_{false};
  std::atomic<int> holders_{0};  // attach() handles alive: run() keeps the session for them

  // One lock for everything below (media_'s echo flag excepted: atomic), so that an event's
  // channel data is one consistent snapshot and a frame costs one lock.
  mutable std::mutex mutex_;
  std::string name_;
  CallState call_state_ = CallState::kDown;
  LegProfiles profiles_;
  ChannelVariableStore variables_;
  core::AccessRules rules_;
  std::optional<Extension> extension_;
  std::optional<Extension> queued_extension_;
  // Applications begun so far: transfer() breaks the running one only if no newer one began.
  std::uint64_t executions_begun_ = 0;
  SessionQueues queues_;
  DtmfBuffer dtmf_;
  MediaHandoff media_;
  std::weak_ptr<Session> bridge_peer_;
  std::string partner_uuid_;
  std::string bridge_terminate_keys_;
  std::vector<std::weak_ptr<Waiter>> watchers_;
  std::vector<std::function<void()>> hangup_callbacks_;
  std::vector<std::function<void()>> reported_callbacks_;
  bool reported_ = false;  // under mutex_: notify_reported() has run
  // Runs the on_reported callbacks once: the session has nothing left to fire but DESTROY.
  void notify_reported();
  std::vector<AppLogEntry> app_log_;
};

}  // namespace es::sw
