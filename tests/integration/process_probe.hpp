// What the hardening tests observe of the daemon from outside: its resident memory, CPU time
// and descriptors (from /proc), and a sender that gives up instead of blocking on a peer that
// stopped reading.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <string_view>

// True in a sanitizer build: shadow memory, quarantine and instrumentation make RSS and CPU
// figures of the daemon meaningless, so the tests that measure them skip there (the ordinary
// ./test build runs them).
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define ES_ITEST_UNDER_SANITIZER 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define ES_ITEST_UNDER_SANITIZER 1
#endif

namespace es::itest {

// VmRSS in KiB, or -1 when unreadable.
long rss_kb(pid_t pid);
// User + system CPU time in clock ticks (utime + stime of /proc/<pid>/stat), or -1.
long cpu_ticks(pid_t pid);
// Entries of /proc/<pid>/fd, or -1.
long open_fds(pid_t pid);
// Sends as much of `bytes` as the peer takes within `timeout` (non-blocking sends, polling for
// room); returns how many bytes went out. Leaves `fd` blocking again.
std::size_t send_for(int fd, std::string_view bytes, std::chrono::milliseconds timeout);
// An IPv4 connection to 127.0.0.1:`port` with a receive buffer of `receive_buffer` bytes set
// before connecting (so the window stays small); -1 on failure.
int connect_small_window(unsigned short port, int receive_buffer);

}  // namespace es::itest
