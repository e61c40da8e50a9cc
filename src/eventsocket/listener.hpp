// One event socket connection. Three coroutines share the listener's strand: the reader
// (parses packets and runs commands strictly one after another), the writer (drains the
// bounded outbound queue with gathered writes) and the watchdog (auth, body and kill
// deadlines). Events and log lines arrive from any thread through on_event/on_log, which only
// filter and enqueue under the listener's mutex. The listener frees itself when the last
// coroutine ends (each holds a shared_ptr), so a closing connection is never freed in use.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>

#include <atomic>
#include <bitset>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/access_policy.hpp"
#include "core/event_bus.hpp"
#include "core/log_bus.hpp"
#include "core/outbound_socket.hpp"
#include "eventsocket/event_subscription.hpp"
#include "eventsocket/listener_lifecycle.hpp"
#include "eventsocket/listener_stats.hpp"
#include "eventsocket/server_context.hpp"
#include "eventsocket/write_queue.hpp"
#include "protocol/command_parser.hpp"

namespace es::eventsocket {

class ListenerRegistry;

class Listener : public std::enable_shared_from_this<Listener>,
                 public core::EventSubscriber,
                 public core::LogSink {
 public:
  using Strand = asio::strand<asio::any_io_executor>;

  // With `tls` the connection is a TLS one (listener_tls.cpp): the handshake comes first, and
  // every byte goes through the SSL stream on the strand (no direct writes by publishers).
  Listener(ServerContext& context, ListenerRegistry& registry, asio::ip::tcp::socket socket,
           std::uint64_t id, std::shared_ptr<asio::ssl::context> tls = nullptr);
  ~Listener() override;

  // Starts the coroutines; a denied peer gets the rude rejection and the goodbye notice.
  // `slot` is the connection's place in the server's connection caps, held until it closes.
  void start(bool acl_allows, ConnectionLimits::Slot slot = {});
  // Outbound mode (docs/outbound.md): the connection a `socket` application made. Starts
  // authenticated and controlling the call, sends nothing first.
  void start_outbound(core::OutboundSocketRequest request);

  void on_event(const core::FiredEventPtr& event) override;
  // With regular-expression filters the bus asks for the filters' verdict before it takes its
  // dispatch lock (precheck) and hands it back with the event.
  std::uint64_t precheck(const core::FiredEvent& event) override;
  void on_event(const core::FiredEventPtr& event, std::uint64_t precheck_token) override;
  // Inside a publisher's burst the writer's wake-up waits for the burst's end.
  void on_event(const core::FiredEventPtr& event, std::uint64_t precheck_token,
                core::WakeBatch& batch) override;
  void deferred_wake() override;
  void on_log(const core::LogLinePtr& line) override;

  // Thread-safe: queue a disconnect notice with that text and close once it is written.
  void shutdown(std::string notice);
  ListenerStats stats() const;
  // For the metrics scrape (server_metrics.hpp): numbers only, under the listener's mutex.
  ListenerMetricsSample metrics_sample() const;
  std::uint64_t id() const { return id_; }

 private:
  using TlsStream = asio::ssl::stream<asio::ip::tcp::socket&>;

  // What start() does once the transport is ready (at once for plain TCP, after the TLS
  // handshake otherwise): greeting or rude rejection, then the coroutines.
  void begin_session(bool acl_allows);
  // TLS (listener_tls.cpp): the handshake under its deadline; a failure is logged in one line
  // and closes the connection.
  asio::awaitable<void> tls_handshake(bool acl_allows);
  // Reads what the TLS stream yields (at most `want` bytes) into the parser; `n` as read_into.
  asio::awaitable<std::error_code> read_tls(std::size_t want, std::size_t& n);
  // Writes a batch through the TLS stream as one contiguous buffer (see listener_tls.cpp).
  asio::awaitable<std::error_code> write_tls(const std::vector<WriteQueue::Item>& batch);
  asio::awaitable<void> read_loop();
  // Backpressure, checked before every command: waits while the queue is over its byte bound
  // (a small budget before authentication) or too many bgapi jobs run. False once closing.
  asio::awaitable<bool> wait_for_room();
  bool must_wait_for_room() const;
  // The writer or a finished job made room: wakes a reader waiting in wait_for_room.
  void wake_waiting_reader();
  // auth or userauth succeeded (or an outbound connection started): full parser limits, and
  // the connection stops counting as unauthenticated.
  void became_authenticated();
  asio::awaitable<void> write_loop();
  asio::awaitable<void> watchdog_loop();

  // Commands (listener_commands.cpp). Each enqueues exactly one reply.
  asio::awaitable<void> dispatch(protocol::CommandPacket& packet);
  asio::awaitable<void> run_command(protocol::CommandPacket& packet);
  asio::awaitable<void> cmd_auth(std::string_view password);
  asio::awaitable<void> cmd_userauth(std::string_view arg);
  // Serves the authentication delay decided before the check (auth_throttle.hpp).
  asio::awaitable<void> wait_auth_delay(std::chrono::milliseconds delay);
  // A WARNING naming the peer and `how` it tried (auth, userauth user@domain).
  void log_auth_failure(std::string_view how);
  asio::awaitable<void> cmd_api(const protocol::CommandPacket& packet, std::string_view text);
  void cmd_bgapi(const protocol::CommandPacket& packet, std::string_view text);
  // bgapi's answer, local or through a gateway: "-ERR permission denied" and nullopt, or the
  // job's uuid (the packet's Job-UUID, else a new one) announced and counted in flight.
  std::optional<std::string> start_bgapi_job(const protocol::CommandPacket& packet,
                                             std::string_view name, std::string_view arg);
  // A job counted by start_bgapi_job ended: wakes a reader waiting for room.
  void end_bgapi_job();
  void cmd_filter(std::string_view text);
  asio::awaitable<void> cmd_event(std::string_view text);
  void cmd_nixevent(std::string_view text);
  void cmd_noevents();
  asio::awaitable<void> cmd_myevents(const protocol::CommandPacket& packet, std::string_view text);
  // Gateway mode: waits until the upstreams send what this listener's grown subscription needs.
  asio::awaitable<void> await_upstream_subscription();
  void cmd_divert_events(std::string_view text);
  asio::awaitable<void> cmd_sendmsg(const protocol::CommandPacket& packet, std::string_view text);
  // Static outbound mode: runs the message on the call and replies once it has finished.
  asio::awaitable<void> execute_sendmsg(core::Event message);
  void cmd_sendevent(const protocol::CommandPacket& packet, std::string_view text);
  void cmd_log(std::string_view text);
  void cmd_nolog();
  void cmd_linger(std::string_view text);
  // Gateway mode (listener_gateway.cpp, docs/gateway.md): the same commands, served by the
  // upstreams through core::UpstreamGateway; and the replay extension.
  asio::awaitable<void> gateway_api(core::UpstreamGateway& gateway,
                                    const protocol::CommandPacket& packet, std::string_view text);
  void gateway_bgapi(core::UpstreamGateway& gateway, const protocol::CommandPacket& packet,
                     std::string_view text);
  asio::awaitable<void> gateway_sendmsg(core::UpstreamGateway& gateway,
                                        const protocol::CommandPacket& packet,
                                        std::string_view text);
  asio::awaitable<void> gateway_sendevent(core::UpstreamGateway& gateway,
                                          const protocol::CommandPacket& packet,
                                          std::string_view text);
  void cmd_replay(core::UpstreamGateway& gateway, std::string_view text);
  void cmd_nolinger();
  // The controlled call hung up: linger notice, or the end of the connection (docs/outbound.md).
  void on_session_hangup();
  // The controlled call fired CHANNEL_HANGUP_COMPLETE: a lingering listener sends its notice.
  void on_session_reported();
  // Commands of a listener controlling a call (listener_outbound.cpp): an outbound one, or an
  // inbound one after `myevents <uuid>`.
  void cmd_connect();
  void cmd_getvar(std::string_view text);
  void cmd_resume();
  // Caller profile as Channel-*, then the channel data (connect's CHANNEL_DATA).
  void fill_controlled_channel_data(core::Event& event);
  // Calls the outbound request's on_end once.
  void end_outbound();
  // Holds the live session `uuid` (inbound `myevents <uuid>`, outbound mode): its hangup reaches
  // on_session_hangup and its channel name is kept for the linger notice. False when no live
  // session has that uuid.
  bool attach_session(std::string_view uuid);
  // Access rules (docs/security-rights.md; listener_rights.cpp).
  bool api_allowed(std::string_view command, std::string_view arg) const;
  bool console_allowed(std::string_view line) const;
  // A socket command (sendmsg, sendevent, myevents, divert_events, getvar) that an
  // esl-allowed-api list must name; replies `-ERR permission denied` and returns false if not.
  bool socket_command_allowed(std::string_view name);
  // The policy of a client that authenticated with the password (null unless the operator
  // set allowed-file-dirs), of a userauth user, or of an outbound server.
  core::AccessPolicyPtr password_policy() const;
  core::AccessPolicyPtr userauth_policy(const std::string& user,
                                        const std::optional<std::string>& allowed_api) const;
  core::AccessPolicyPtr outbound_policy(const core::OutboundSocketRequest& request) const;
  const core::AccessRules& access_rules() const { return rules_; }

  void reply(std::string_view reply_text);
  void send(std::string frame);
  // The one way a connection ends (listener_lifecycle.hpp): kFlushThenClose queues `notice`
  // and closes once it is written (or at the kill deadline); kCloseAfterDelay announces the
  // controlled call's end (linger) and lets the linger deadline say goodbye; kAbort closes now.
  void close(CloseType type, std::string_view notice = {});
  void flush_then_close(std::string_view notice);
  void linger_then_close();
  void abort_connection();
  bool closing() const { return state_ >= ListenerState::kClosing; }
  // Counts `bytes` of dropped queue items towards the server's memory hand-back.
  void note_released(std::size_t bytes);
  // Starts one of the connection's coroutines under core/spawn.hpp's exception policy.
  void spawn_loop(const char* name, asio::awaitable<void> loop);
  void wake_writer();
  // Under mutex_, with direct_fd_ set: writes ready items from the calling thread without
  // blocking; true when the queue is left empty.
  bool write_ready_directly();
  void wake_writer_on_strand();
  void post_writer_wake();
  // Filters and queues one event; wakes the writer now, or through `batch` at its end.
  void deliver(const core::FiredEventPtr& event, std::uint64_t precheck_token,
               core::WakeBatch* batch);
  void rearm_watchdog();
  // divert_events: an event from the controlled session's queue, sent as it is when events
  // are on; false (the event stays with the session) otherwise or when the queue is full.
  bool take_diverted_event(core::Event& event);
  void subscribe_events();

  ServerContext& context_;
  ListenerRegistry& registry_;
  asio::ip::tcp::socket socket_;
  // TLS connections only (null for plain ones, whose hot paths stay direct socket calls): the
  // context is the server's, shared; the stream wraps socket_, and the reader's buffer holds
  // decrypted bytes (4 KiB before authentication, 16 KiB, one TLS record, after).
  std::shared_ptr<asio::ssl::context> tls_context_;
  std::unique_ptr<TlsStream> tls_;
  std::vector<char> tls_read_buffer_;
  std::string tls_write_buffer_;  // the batch being encrypted, lent by a pool for its write
  Strand strand_;
  asio::steady_timer write_timer_;
  asio::steady_timer watchdog_timer_;
  asio::steady_timer wait_timer_;  // reader backpressure and throttle delays
  const std::uint64_t id_;
  std::string peer_address_;
  std::string peer_;
  std::int64_t connected_epoch_us_ = 0;
  protocol::CommandParser parser_;
  ConnectionLimits::Slot slot_;
  bool reader_waiting_room_ = false;  // strand only
  bool writer_waiting_ = false;       // strand only: the writer waits on write_timer_
  // Wake-ups of the subscribers of this reader's pipelined sendevents (reader only).
  core::WakeBatch burst_wakes_;
  int unauth_packets_ = 0;  // packets read before authentication

  // Reader-side state (strand only).
  std::atomic<bool> authenticated_{false};
  // Written on the strand at each step, read by the metrics scrape.
  std::atomic<ConnectionPhase> phase_{ConnectionPhase::kUnauthenticated};
  // What this client may reach (null: everything). Set once at authentication.
  core::AccessPolicyPtr policy_;
  // policy_, plus for an outbound server the rules of the call that connected it (a call a
  // confined client started cannot hand out more rights than that client had).
  core::AccessRules rules_;
  ListenerState state_ = ListenerState::kOpen;
  using Deadline = ListenerDeadlines::Kind;
  ListenerDeadlines deadlines_;
  // Outbound mode: the request minus its descriptor (null for inbound listeners).
  std::unique_ptr<core::OutboundSocketRequest> outbound_;
  bool outbound_connected_ = false;  // OutboundCall::connected was called
  bool outbound_ended_ = false;      // OutboundCall::ended was called
  bool first_packet_seen_ = false;
  // The call's hangup is acted on between commands, so a command's reply precedes the notice.
  bool command_running_ = false;
  bool hangup_pending_ = false;
  bool drop_next_reply_ = false;  // FreeSWITCH never writes the reply to the first packet
  // Holds the controlled session (myevents <uuid>) until this listener ends.
  std::shared_ptr<void> session_hold_;
  // The controlled call (outbound, or inbound after `myevents <uuid>`); empty: none. Set once;
  // written and read only on the strand (publishers read subscription_'s copy).
  std::string controlled_uuid_;
  std::string session_channel_name_;
  std::atomic<std::size_t> jobs_in_flight_{0};
  std::uint64_t bus_subscription_ = 0;
  bool logs_subscribed_ = false;
  bool logs_allowed_ = true;
  bool divert_events_ = false;
  bool linger_requested_ = false;  // `linger`: the call's hangup does not end the connection
  int linger_seconds_ = -1;
  // Strand only. The linger notice follows the call's CHANNEL_HANGUP_COMPLETE (docs/outbound.md).
  bool session_reported_ = false;
  bool linger_waits_for_report_ = false;

  // Shared with publishers (guarded by mutex_).
  mutable std::mutex mutex_;
  WriteQueue queue_;
  // The socket's descriptor while the writer waits with nothing to write: the publisher that
  // ends a burst writes the burst itself (deferred_wake), the reader its replies (send). -1 while
  // the writer writes, the connection closes, or before the writer first runs; always -1 on a
  // TLS connection (encrypted bytes are written only through tls_, on the strand).
  int direct_fd_ = -1;
  // Written only on the strand (under mutex_), so strand code reads it without the lock.
  EventSubscription subscription_;
  bool logging_ = false;
  int log_level_ = 7;
  std::string user_;  // user@domain after userauth
  std::uint64_t delivered_ = 0;
  std::uint64_t lost_events_ = 0;
  std::uint64_t lost_logs_ = 0;
  int consecutive_lost_events_ = 0;
  int consecutive_lost_logs_ = 0;
  bool killed_ = false;
  std::atomic<bool> wake_pending_{false};
  std::atomic<bool> events_enabled_fast_{false};  // lets on_event skip the lock when off
};

// The server's set of live listeners (for stats and shutdown).
class ListenerRegistry {
 public:
  void add(const std::shared_ptr<Listener>& listener);
  void remove(std::uint64_t id);
  std::vector<std::shared_ptr<Listener>> snapshot() const;
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, std::weak_ptr<Listener>> listeners_;
};

}  // namespace es::eventsocket
