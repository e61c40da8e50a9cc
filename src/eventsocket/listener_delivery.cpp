// The publishers' side of a listener: which events it takes (subscribe_events, precheck,
// on_event), queueing them and its log lines under the listener's mutex, and the direct write
// of a burst to an idle writer's socket (deferred_wake). Runs on any thread.
#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <asio/post.hpp>

#include <array>

#include "eventsocket/listener.hpp"

namespace es::eventsocket {
namespace {

// A burst's direct write to one subscriber: at most this many gathered writes of this many
// frames, then the rest is left to its writer, so one slow subscriber cannot hold the
// publisher long.
constexpr std::size_t kDirectWriteItems = 256;
constexpr int kDirectWriteRounds = 4;

}  // namespace

void Listener::deferred_wake() {
  // Recorded by deliver() with wake_pending_ already set. At the end of a publisher's burst,
  // an idle writer's work is done here: the burst's frames go out in one gathered write from
  // this thread (as limit-probe writes them), without waking the writer's coroutine.
  {
    std::lock_guard lock(mutex_);
    if (direct_fd_ >= 0 && write_ready_directly()) {
      // Cleared with the queue empty and under the lock: the next event wakes as usual.
      wake_pending_ = false;
      return;
    }
  }
  post_writer_wake();
}

void Listener::subscribe_events() {
  // Tell the bus which types this listener may take, so nobody builds events no one reads (and
  // a gateway asks its upstreams for no more than that).
  core::EventBus::Interest interest;
  core::EventBus::Subclasses subclasses;
  std::string scope;
  bool precheck = false;
  {
    std::lock_guard lock(mutex_);
    precheck = subscription_.wants_precheck();
    // A controlled socket's myevents: the bus hands it only its session's events.
    if (subscription_.my_events()) scope = subscription_.scope_uuid();
    interest = subscription_.interest();
    subclasses = subscription_.subclass_interest();
  }
  if (bus_subscription_ == 0) {
    bus_subscription_ = context_.runtime.bus().subscribe(weak_from_this(), interest, subclasses);
  } else {
    context_.runtime.bus().set_interest(bus_subscription_, interest, std::move(subclasses));
  }
  context_.runtime.bus().set_scope(bus_subscription_, scope);
  context_.runtime.bus().set_precheck(bus_subscription_, precheck);
}

std::uint64_t Listener::precheck(const core::FiredEvent& fired) {
  if (!events_enabled_fast_.load(std::memory_order_relaxed)) return 0;
  std::lock_guard lock(mutex_);
  if (killed_) return 0;
  // The filters run only for events the subscription takes (on_event checks that again).
  return subscription_.precheck(fired.event());
}

void Listener::on_event(const core::FiredEventPtr& event) {
  on_event(event, 0);
}

void Listener::on_event(const core::FiredEventPtr& event, std::uint64_t precheck_token) {
  deliver(event, precheck_token, nullptr);
}

void Listener::on_event(const core::FiredEventPtr& event, std::uint64_t precheck_token,
                        core::WakeBatch& batch) {
  deliver(event, precheck_token, &batch);
}

void Listener::deliver(const core::FiredEventPtr& event, std::uint64_t precheck_token,
                       core::WakeBatch* batch) {
  if (!events_enabled_fast_.load(std::memory_order_relaxed)) return;
  std::size_t released = 0;
  bool kill = false;
  bool was_empty = false;
  {
    std::lock_guard lock(mutex_);
    if (killed_ || !subscription_.accepts(event->event(), precheck_token)) return;
    was_empty = queue_.empty();
    if (queue_.try_push_event(event, subscription_.format(), subscription_.json_values())) {
      consecutive_lost_events_ = 0;
    } else {
      ++lost_events_;
      context_.metrics.events_lost.add();
      if (++consecutive_lost_events_ > context_.settings.max_lost_before_kill) {
        killed_ = true;
        kill = true;
        subscription_.turn_off();
        events_enabled_fast_ = false;
        released = queue_.drop_events() + queue_.drop_logs();
      }
    }
  }
  if (kill) {
    note_released(released);
    const char* func = __func__;  // the lambda's own __func__ would be "operator()"
    asio::post(strand_, [self = shared_from_this(), func] {
      auto& log = self->context_.runtime.log();
      log.log(static_cast<int>(core::LogLevel::kWarning), __FILE__, func, __LINE__,
              fmt::format("killed event socket listener {} ({}) after {} lost events", self->id_,
                          self->peer_, self->stats().lost_events));
      self->close(CloseType::kFlushThenClose, protocol::kLostEventsText);
    });
  } else if (was_empty) {
    if (batch && !strand_.running_in_this_thread()) {
      if (!wake_pending_.exchange(true)) batch->defer(shared_from_this());
    } else {
      wake_writer();
    }
  }
}

bool Listener::write_ready_directly() {
  std::array<std::string_view, kDirectWriteItems> views;
  std::array<iovec, kDirectWriteItems> iov;
  for (int round = 0; round < kDirectWriteRounds && !queue_.empty(); ++round) {
    std::size_t count = queue_.ready_views(views.data(), views.size());
    for (std::size_t i = 0; i < count; ++i) {
      iov[i] = iovec{const_cast<char*>(views[i].data()), views[i].size()};
    }
    msghdr message{};
    message.msg_iov = iov.data();
    message.msg_iovlen = count;
    ssize_t n = ::sendmsg(direct_fd_, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
    // Would block, or failed: what is left stays queued for the writer, which finds any
    // error itself.
    if (n <= 0) return false;
    std::uint64_t events = queue_.advance(static_cast<std::size_t>(n));
    delivered_ += events;
    if (events > 0) context_.metrics.events_delivered.add(events);
  }
  return queue_.empty();
}

void Listener::on_log(const core::LogLinePtr& line) {
  std::size_t released = 0;
  bool kill = false;
  bool was_empty = false;
  {
    std::lock_guard lock(mutex_);
    if (!logging_ || line->level > log_level_ || killed_) return;
    was_empty = queue_.empty();
    if (queue_.try_push_log(line)) {
      consecutive_lost_logs_ = 0;
    } else {
      ++lost_logs_;
      context_.metrics.log_lines_lost.add();
      if (++consecutive_lost_logs_ > context_.settings.max_lost_before_kill) {
        killed_ = true;
        kill = true;
        logging_ = false;
        released = queue_.drop_logs() + queue_.drop_events();
      }
    }
  }
  if (kill) {
    note_released(released);
    asio::post(strand_, [self = shared_from_this()] {
      self->close(CloseType::kFlushThenClose, protocol::kLostLogsText);
    });
  } else if (was_empty) {
    wake_writer();
  }
}

}  // namespace es::eventsocket
