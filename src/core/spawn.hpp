// Exception policy for detached work: nothing started detached may end silently or take the
// process down. An exception escaping a detached coroutine, a posted job or an event loop's
// handler is logged at CRIT with the work's name, then the owner's recovery runs (the session
// hangs up, the connection closes, the job completes with -ERR). A recovery that throws is
// logged as well and goes no further.
#pragma once

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>

#include <exception>
#include <functional>
#include <string>
#include <utility>

#include "core/log_bus.hpp"

namespace es::core {

// what() of a std::exception, "unknown exception" for anything else.
std::string exception_text(const std::exception_ptr& error);

using Recovery = std::function<void(const std::exception_ptr&)>;

// Logs "<name> failed: <what>" at CRIT, then runs `recover` (if any) under the same guard.
void handle_escaped_exception(LogBus& log, const char* name, const std::exception_ptr& error,
                              const Recovery& recover) noexcept;

// co_spawn(executor, work, detached) under the policy (`executor`: an executor or an
// execution context). `work` is an awaitable<void> or a
// function returning one; `name` must outlive the work (a string literal). The log bus must
// outlive the executor's loop.
template <class Executor, class Work>
void spawn_guarded(LogBus& log, Executor&& executor, const char* name, Work&& work,
                   Recovery recover = {}) {
  asio::co_spawn(std::forward<Executor>(executor), std::forward<Work>(work),
                 [&log, name, recover = std::move(recover)](std::exception_ptr error) {
                   if (error) handle_escaped_exception(log, name, error, recover);
                 });
}

// asio::post(executor, job) under the policy.
template <class Executor, class Job>
void post_guarded(LogBus& log, Executor&& executor, const char* name, Job&& job,
                  Recovery recover = {}) {
  asio::post(std::forward<Executor>(executor),
             [&log, name, job = std::forward<Job>(job), recover = std::move(recover)]() mutable {
               try {
                 job();
               } catch (...) {
                 handle_escaped_exception(log, name, std::current_exception(), recover);
               }
             });
}

// io.run() for an event-loop thread: an exception escaping a handler is logged and the loop
// resumes (asio lets run() be called again after a handler threw). Returns when `io` stops.
void run_guarded(asio::io_context& io, LogBus& log, const char* name);

}  // namespace es::core
