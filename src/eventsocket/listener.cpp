#include "eventsocket/listener.hpp"

#include <fmt/format.h>
#include <asio/co_spawn.hpp>
#include <asio/defer.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <sys/socket.h>

#include <algorithm>
#include <array>

#include "core/spawn.hpp"
#include "protocol/ascii.hpp"

namespace es::eventsocket {
namespace {

using namespace std::chrono_literals;
constexpr auto kAwait = asio::experimental::as_tuple(asio::use_awaitable);
// Largest batch handed to one gathered write.
constexpr std::size_t kWriteBatchItems = 256;
constexpr std::size_t kWriteBatchBytes = 1u << 20;
// A TLS batch is copied into one buffer before encryption (listener_tls.cpp): three full
// records, so the buffer fits the pooled size and the copy stays in cache.
constexpr std::size_t kTlsWriteBatchBytes = std::size_t{48} * 1024;
// Reads go into one buffer per thread, so an idle connection holds no read buffer.
constexpr std::size_t kReadChunk = std::size_t{64} * 1024;
// A TLS connection reads through its own buffer (an SSL read may complete later, on another
// thread): one TLS record's worth.
constexpr std::size_t kTlsReadChunk = std::size_t{16} * 1024;

// Before authentication a connection costs almost nothing whatever it sends (policy; a real
// client sends one auth or userauth packet of a few bytes): a header block reaching 4 KiB, a
// Content-Length above 0 or a 17th packet ends the connection with the goodbye notice; 16
// header lines are kept; reads take 4 KiB at a time; and no command is read while more than
// 1 KiB of replies waits for the peer.
constexpr protocol::ParserLimits kUnauthParserLimits{
    .max_header_block = 4096, .max_body = 0, .max_header_lines = 16};
constexpr int kUnauthMaxPackets = 16;
constexpr std::size_t kUnauthReadChunk = 4096;
constexpr std::size_t kUnauthQueueBytes = 1024;
// A reader waiting for room is woken by the writer and by finished jobs; this is a fallback.
constexpr auto kRoomRecheck = 1s;

std::string endpoint_text(const asio::ip::tcp::socket& socket, std::string* address) {
  std::error_code ec;
  auto remote = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  auto ip = remote.address();
  if (ip.is_v6() && ip.to_v6().is_v4_mapped()) {
    ip = asio::ip::make_address_v4(asio::ip::v4_mapped, ip.to_v6());
  }
  *address = ip.to_string();
  return ip.is_v6() ? fmt::format("[{}]:{}", *address, remote.port())
                    : fmt::format("{}:{}", *address, remote.port());
}

// Reads what the socket holds into the parser through this thread's scratch buffer. A plain
// function on purpose: a coroutine may resume on another event-loop thread, and a compiler
// may keep a thread_local's address across the suspension, so the buffer is never touched
// from a coroutine body; never inlined, or its body would be in the coroutine's after all
// (clang then reused one thread's buffer address on another thread, which TSan caught). `n` is
// the bytes read (0 at end of input).
[[gnu::noinline]] std::error_code read_into(asio::ip::tcp::socket& socket,
                                            protocol::CommandParser& parser, std::size_t want,
                                            std::size_t& n) {
  thread_local std::array<char, kReadChunk> chunk;
  std::error_code ec;
  n = socket.read_some(asio::buffer(chunk.data(), std::min(want, chunk.size())), ec);
  if (!ec && n > 0) parser.feed(std::string_view(chunk.data(), n));
  return ec;
}

// A pipelined sendevent fires straight into the reader's burst (see core::WakeBatch).
bool is_burst_command(const protocol::CommandPacket& packet) {
  return protocol::istarts_with(packet.command, "sendevent");
}

}  // namespace

Listener::Listener(ServerContext& context, ListenerRegistry& registry, asio::ip::tcp::socket socket,
                   std::uint64_t id, std::shared_ptr<asio::ssl::context> tls)
    : context_(context),
      registry_(registry),
      socket_(std::move(socket)),
      tls_context_(std::move(tls)),
      strand_(asio::make_strand(socket_.get_executor())),
      write_timer_(strand_),
      watchdog_timer_(strand_),
      wait_timer_(strand_),
      id_(id),
      parser_(kUnauthParserLimits),
      queue_(context.settings.limits) {
  peer_ = endpoint_text(socket_, &peer_address_);
  if (tls_context_) {
    tls_ = std::make_unique<TlsStream>(socket_, *tls_context_);
    phase_ = ConnectionPhase::kHandshake;
  }
  connected_epoch_us_ = context_.runtime.clock().now_epoch_us();
  subscription_.set_json_default(context_.settings.json_numeric_headers
                                     ? core::JsonValues::kNumbers
                                     : core::JsonValues::kStrings);
}

Listener::~Listener() {
  end_outbound();
}

void Listener::start(bool acl_allows, ConnectionLimits::Slot slot) {
  slot_ = std::move(slot);
  std::error_code ec;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  // A peer that half-closed and then vanished is found by keep-alive probes.
  socket_.set_option(asio::socket_base::keep_alive(true), ec);
  socket_.non_blocking(true, ec);
  auto self = shared_from_this();
  asio::post(strand_, [self, acl_allows] {
    if (self->tls_) {
      self->spawn_loop("listener TLS handshake", self->tls_handshake(acl_allows));
    } else {
      self->begin_session(acl_allows);
    }
  });
}

void Listener::begin_session(bool acl_allows) {
  phase_ = ConnectionPhase::kUnauthenticated;
  if (!acl_allows) {
    send(std::string(protocol::kRudeRejection));
    close(CloseType::kFlushThenClose, protocol::kGoodbyeText);
  } else {
    send(std::string(protocol::kAuthRequest));
    deadlines_.arm(Deadline::kAuth, std::chrono::steady_clock::now() +
                                        std::chrono::seconds(context_.settings.auth_timeout_s));
    spawn_loop("listener read loop", read_loop());
  }
  spawn_loop("listener write loop", write_loop());
  spawn_loop("listener watchdog", watchdog_loop());
  rearm_watchdog();
}

asio::awaitable<void> Listener::read_loop() {
  auto self = shared_from_this();
  // Whatever way the loop ends, no subscriber is left waiting for a held wake-up.
  struct FlushOnExit {
    core::WakeBatch& batch;
    ~FlushOnExit() { batch.flush(); }
  } flush_on_exit{burst_wakes_};
  protocol::CommandPacket packet;
  while (!closing()) {
    // A peer that does not read its replies is not read from either.
    if (!co_await wait_for_room()) break;
    std::size_t n = 0;
    std::error_code ec;
    if (tls_) {
      // The SSL stream may hold decrypted bytes the socket no longer shows: it is read, not
      // waited on.
      ec = co_await read_tls(authenticated_ ? kTlsReadChunk : kUnauthReadChunk, n);
      if (closing()) break;
    } else {
      auto [wait_ec] = co_await socket_.async_wait(asio::ip::tcp::socket::wait_read, kAwait);
      if (wait_ec || closing()) break;
      ec = read_into(socket_, parser_, authenticated_ ? kReadChunk : kUnauthReadChunk, n);
    }
    if (ec == asio::error::would_block || ec == asio::error::try_again) continue;
    if (ec == asio::error::eof || (!ec && n == 0)) {
      // End of input (`printf ... | nc` half-closes): FreeSWITCH's read fails and it says
      // goodbye and closes, subscribed or not; so do we, after the replies already queued.
      break;
    }
    if (ec) break;
    for (;;) {
      // Checked before every command, not once per read: one read can hold thousands.
      if (!co_await wait_for_room()) co_return;
      auto status = parser_.next(packet);
      if (status == protocol::ParseStatus::kNeedMore) break;
      if (status == protocol::ParseStatus::kBodyTooLarge) {
        close(CloseType::kFlushThenClose, protocol::kGoodbyeText);
        co_return;
      }
      if (!authenticated_ && (packet.block_capped || ++unauth_packets_ > kUnauthMaxPackets)) {
        close(CloseType::kFlushThenClose, protocol::kGoodbyeText);
        co_return;
      }
      // Only sendevent runs without suspending and fires into the burst; any other command
      // may wait, so the burst ends before it.
      if (!is_burst_command(packet)) burst_wakes_.flush();
      co_await dispatch(packet);
      if (closing()) co_return;
    }
    burst_wakes_.flush();
    bool mid = parser_.mid_packet();
    if (mid) {
      // FreeSWITCH writes events and log lines only between packets: whatever is fired while
      // a packet is partly received waits behind that packet's reply (dispatch lets go).
      std::lock_guard lock(mutex_);
      queue_.hold(true);
    }
    if (mid && !deadlines_.armed(Deadline::kBody)) {
      deadlines_.arm(Deadline::kBody, std::chrono::steady_clock::now() +
                                          std::chrono::seconds(context_.settings.body_timeout_s));
      rearm_watchdog();
    } else if (!mid && deadlines_.armed(Deadline::kBody)) {
      deadlines_.disarm(Deadline::kBody);
      rearm_watchdog();
    }
  }
  // The peer went away or the socket failed: nothing more can be written either.
  if (!closing()) close(CloseType::kFlushThenClose, protocol::kGoodbyeText);
}

bool Listener::must_wait_for_room() const {
  if (jobs_in_flight_.load() >= context_.settings.max_jobs_in_flight) return true;
  std::lock_guard lock(mutex_);
  std::size_t bound = authenticated_ ? queue_.limits().max_bytes : kUnauthQueueBytes;
  return queue_.bytes() > bound;
}

asio::awaitable<bool> Listener::wait_for_room() {
  while (!closing() && must_wait_for_room()) {
    // The held wake-ups of a sendevent burst go out before the reader waits.
    burst_wakes_.flush();
    reader_waiting_room_ = true;
    wait_timer_.expires_after(kRoomRecheck);
    co_await wait_timer_.async_wait(kAwait);
    reader_waiting_room_ = false;
  }
  co_return !closing();
}

void Listener::wake_waiting_reader() {
  if (reader_waiting_room_ && !must_wait_for_room()) wait_timer_.cancel();
}

void Listener::became_authenticated() {
  authenticated_ = true;
  phase_ = ConnectionPhase::kAuthenticated;
  deadlines_.disarm(Deadline::kAuth);
  parser_.set_limits(protocol::ParserLimits{});
  slot_.promote();
  rearm_watchdog();
}

void Listener::note_released(std::size_t bytes) {
  context_.released_bytes.fetch_add(bytes, std::memory_order_relaxed);
}

asio::awaitable<void> Listener::write_loop() {
  auto self = shared_from_this();
  std::vector<WriteQueue::Item> batch;
  batch.reserve(kWriteBatchItems);
  std::vector<asio::const_buffer> buffers;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      queue_.take(batch, kWriteBatchItems, tls_ ? kTlsWriteBatchBytes : kWriteBatchBytes);
      // Idle, the writer lends the socket to publishers (deliver); busy, it owns it.
      // A TLS connection never lends it: its bytes must be encrypted in order, on the strand.
      direct_fd_ =
          batch.empty() && state_ == ListenerState::kOpen && !tls_ ? socket_.native_handle() : -1;
      // Counted when handed to the socket: a peer that has read an event must see it counted.
      std::uint64_t events = 0;
      for (const auto& item : batch) {
        if (item.kind == WriteQueue::Kind::kEvent) ++events;
      }
      if (events > 0) {
        delivered_ += events;
        context_.metrics.events_delivered.add(events);
      }
    }
    if (batch.empty()) {
      if (state_ == ListenerState::kClosed) break;
      if (state_ == ListenerState::kClosing) {
        close(CloseType::kAbort);  // all is written: nothing is left to drop
        break;
      }
      write_timer_.expires_at(asio::steady_timer::time_point::max());
      writer_waiting_ = true;
      co_await write_timer_.async_wait(kAwait);
      writer_waiting_ = false;
      continue;
    }
    std::error_code ec;
    if (tls_) {
      ec = co_await write_tls(batch);
    } else {
      buffers.clear();
      for (auto& item : batch) buffers.push_back(asio::buffer(item.bytes()));
      auto [write_ec, written] = co_await asio::async_write(socket_, buffers, kAwait);
      ec = write_ec;
    }
    {
      std::lock_guard lock(mutex_);
      queue_.written(batch);
    }
    batch.clear();
    wake_waiting_reader();
    if (ec) {
      close(CloseType::kAbort);
      break;
    }
  }
}

asio::awaitable<void> Listener::watchdog_loop() {
  auto self = shared_from_this();
  while (state_ != ListenerState::kClosed) {
    co_await watchdog_timer_.async_wait(kAwait);
    if (state_ == ListenerState::kClosed) break;
    auto expired = deadlines_.expired(std::chrono::steady_clock::now());
    if (expired == Deadline::kKill) {
      // The peer would not take its notice: give up on it without waiting any longer.
      close(CloseType::kAbort);
      break;
    }
    // Any other deadline (auth, body, first packet, linger) ends the connection politely.
    if (expired) close(CloseType::kFlushThenClose, protocol::kGoodbyeText);
    rearm_watchdog();
  }
}

void Listener::rearm_watchdog() {
  auto earliest = deadlines_.earliest();
  if (watchdog_timer_.expiry() != earliest) watchdog_timer_.expires_at(earliest);
}

void Listener::send(std::string frame) {
  const bool on_strand = strand_.running_in_this_thread();
  {
    std::lock_guard lock(mutex_);
    queue_.push_text(std::move(frame));
    // A reply (sent from the strand) to an open connection whose writer is idle goes out from
    // here: no wake-up of the writer coroutine and no thread hop, which is what a client that
    // waits for each reply (api, one request at a time) pays otherwise.
    if (on_strand && state_ == ListenerState::kOpen && direct_fd_ >= 0 && write_ready_directly()) {
      return;
    }
  }
  wake_writer();
}

void Listener::reply(std::string_view reply_text) {
  if (drop_next_reply_) {
    drop_next_reply_ = false;
    return;
  }
  send(protocol::command_reply(reply_text));
}

void Listener::wake_writer() {
  if (strand_.running_in_this_thread()) {
    // Replies are queued from the strand itself: wake the writer without a thread hop.
    wake_writer_on_strand();
    return;
  }
  if (wake_pending_.exchange(true)) return;
  post_writer_wake();
}

void Listener::wake_writer_on_strand() {
  // A writer that is busy writing takes the queue again before it waits: no cancel needed,
  // and a command burst's many replies cost one cancel, not one each.
  if (!writer_waiting_) return;
  writer_waiting_ = false;
  write_timer_.cancel();
}

void Listener::post_writer_wake() {
  // Deferred, not posted: at the end of a publisher's burst (an event loop thread) the wakes of
  // its subscribers' writers queue behind it on that thread instead of waking another thread
  // for each (from any other thread this is a plain post).
  asio::defer(strand_, [self = shared_from_this()] {
    self->wake_pending_ = false;
    self->wake_writer_on_strand();
  });
}

void Listener::close(CloseType type, std::string_view notice) {
  switch (type) {
    case CloseType::kFlushThenClose:
      flush_then_close(notice);
      return;
    case CloseType::kCloseAfterDelay:
      linger_then_close();
      return;
    case CloseType::kAbort:
      abort_connection();
      return;
  }
}

void Listener::flush_then_close(std::string_view notice) {
  if (closing()) return;
  if (phase_ == ConnectionPhase::kHandshake) {
    // Nothing can reach a peer before its TLS handshake ends (server shutdown meanwhile).
    abort_connection();
    return;
  }
  state_ = ListenerState::kClosing;
  phase_ = ConnectionPhase::kClosing;
  {
    std::lock_guard lock(mutex_);
    subscription_.turn_off();
    events_enabled_fast_ = false;
    logging_ = false;
  }
  send(protocol::disconnect_notice(notice, controlled_uuid_));
  // Only the kill deadline matters from here on.
  deadlines_.disarm_all();
  deadlines_.arm(Deadline::kKill, std::chrono::steady_clock::now() +
                                      std::chrono::milliseconds(context_.settings.kill_grace_ms));
  rearm_watchdog();
  // The socket is not cancelled here: that would abort a write in flight and lose the notice.
  // A reader parked in async_wait wakes when abort_connection() closes the socket.
  wait_timer_.cancel();
}

void Listener::spawn_loop(const char* name, asio::awaitable<void> loop) {
  // A loop that throws closes its connection (the others end with it); the server goes on.
  core::spawn_guarded(context_.runtime.log(), strand_, name, std::move(loop),
                      [weak = weak_from_this()](const std::exception_ptr&) {
                        if (auto self = weak.lock()) {
                          asio::post(self->strand_, [self] { self->close(CloseType::kAbort); });
                        }
                      });
}

void Listener::abort_connection() {
  if (state_ == ListenerState::kClosed) return;
  state_ = ListenerState::kClosed;
  phase_ = ConnectionPhase::kClosing;
  deadlines_.disarm_all();
  if (bus_subscription_) {
    context_.runtime.bus().unsubscribe(bus_subscription_);
    bus_subscription_ = 0;
  }
  std::size_t released = 0;
  {
    std::lock_guard lock(mutex_);
    released = queue_.clear();
    direct_fd_ = -1;  // before the descriptor is closed (and its number reused)
    subscription_.turn_off();
    events_enabled_fast_ = false;
    logging_ = false;
  }
  std::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  write_timer_.cancel();
  watchdog_timer_.cancel();
  wait_timer_.cancel();
  session_hold_.reset();
  note_released(released);
  slot_ = ConnectionLimits::Slot{};
  registry_.remove(id_);
  end_outbound();
}

void Listener::shutdown(std::string notice) {
  asio::post(strand_, [self = shared_from_this(), notice = std::move(notice)] {
    self->close(CloseType::kFlushThenClose, notice);
  });
}

ListenerStats Listener::stats() const {
  ListenerStats s;
  s.id = id_;
  s.peer = peer_;
  s.connected_epoch_us = connected_epoch_us_;
  std::lock_guard lock(mutex_);
  s.user = user_;
  s.authenticated = authenticated_;
  s.format = std::string(subscription_.format_word());
  s.subscriptions = subscription_.describe();
  s.filters = subscription_.filters().size();
  s.log_level = logging_ ? log_level_ : -1;
  s.queued_events = queue_.events();
  s.queued_logs = queue_.logs();
  s.queued_bytes = queue_.bytes();
  s.delivered_events = delivered_;
  s.lost_events = lost_events_;
  s.lost_logs = lost_logs_;
  return s;
}

ListenerMetricsSample Listener::metrics_sample() const {
  ListenerMetricsSample s;
  s.phase = phase_.load(std::memory_order_relaxed);
  s.tls = tls_context_ != nullptr;
  std::lock_guard lock(mutex_);
  s.queued_events = queue_.events();
  s.queued_logs = queue_.logs();
  s.queued_bytes = queue_.bytes();
  return s;
}

void ListenerRegistry::add(const std::shared_ptr<Listener>& listener) {
  std::lock_guard lock(mutex_);
  listeners_[listener->id()] = listener;
}

void ListenerRegistry::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  listeners_.erase(id);
}

std::vector<std::shared_ptr<Listener>> ListenerRegistry::snapshot() const {
  std::vector<std::shared_ptr<Listener>> out;
  std::lock_guard lock(mutex_);
  out.reserve(listeners_.size());
  for (auto& [id, weak] : listeners_) {
    if (auto l = weak.lock()) out.push_back(std::move(l));
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a->id() < b->id(); });
  return out;
}

std::size_t ListenerRegistry::size() const {
  std::lock_guard lock(mutex_);
  return listeners_.size();
}

}  // namespace es::eventsocket
