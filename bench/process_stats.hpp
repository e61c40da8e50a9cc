// What the daemon costs, read from /proc: resident memory and open descriptors.
#pragma once

#include <cstdint>
#include <optional>

#include "json_line.hpp"

namespace es::bench {

struct ProcessSample {
  std::int64_t rss_kb = 0;       // VmRSS
  std::int64_t peak_rss_kb = 0;  // VmHWM: highest RSS since the process started
  std::int64_t threads = 0;
  std::int64_t open_fds = 0;  // entries of /proc/<pid>/fd
};

// nullopt when the process does not exist or /proc is unreadable.
std::optional<ProcessSample> sample_process(int pid);

JsonLine to_json(const ProcessSample& sample);

// Raises this process's soft descriptor limit to the hard limit; returns the new soft limit.
std::uint64_t raise_descriptor_limit();

}  // namespace es::bench
